import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHostsFile, writeHostsFile } from '../../../src/network/hosts-file.ts';
import { removeClusterContainers } from '../../../src/runtime/docker/cleanup.ts';
import { DockerContainer } from '../../../src/runtime/docker/docker-container.ts';
import { LABELS } from '../../../src/runtime/docker/docker-names.ts';
import { DockerSandbox } from '../../../src/runtime/docker/docker-sandbox.ts';
import { dockerForTests, startTestNode, testPod, type TestNode } from '../../helpers/docker.ts';

const docker = await dockerForTests();
const client = docker.client!;

/** The cluster's hosts file with one headless service naming these pods. */
function hostsFor(pods: { name: string; ip: string }[]): string {
  return renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: pods.map((p) => ({ podName: p.name, ip: p.ip, ready: true, hostname: p.name, subdomain: 'nginx' })) }]);
}

describe.skipIf(!docker.client)(`a pod on Docker${docker.client ? '' : ` (skipped: ${docker.skipReason})`}`, () => {
  let node: TestNode;
  let dir: string;
  let dnsDir: string;
  let volume: string;
  let sandbox: DockerSandbox;
  let web: DockerContainer;
  const pod = testPod('web-0');

  beforeAll(async () => {
    node = await startTestNode();
    dir = mkdtempSync('/var/tmp/emu-docker-pod-');
    dnsDir = join(dir, 'dns');
    volume = join(dir, 'www-web-0');
    mkdirSync(dnsDir);
    mkdirSync(volume);
    writeFileSync(join(volume, 'index.html'), 'page of web-0\n');
    writeFileSync(join(dir, 'settings.conf'), 'from a configMap\n');
    sandbox = await DockerSandbox.run(client, { pod, hostname: 'web-0', nodeHostPid: node.pid, network: node.network });
    await writeHostsFile(dnsDir, hostsFor([{ name: 'web-0', ip: sandbox.ip }]));
    web = await DockerContainer.start(client, sandbox, {
      name: 'nginx',
      image: 'registry.k8s.io/nginx-slim:0.8',
      env: { GREETING: 'hello' },
      mounts: [
        { source: volume, target: '/usr/share/nginx/html', readOnly: false },
        { source: join(dir, 'settings.conf'), target: '/etc/config/settings.conf', readOnly: true },
      ],
      dnsDir,
    });
  });

  afterAll(async () => {
    if (docker.client) await removeClusterContainers(client, pod.cluster);
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the pod name as hostname in every container, and an address on the node', async () => {
    expect(sandbox.ip).toMatch(/^10\.244\./);
    expect((await web.exec(['hostname'])).stdout.trim()).toBe('web-0');
    expect((await web.exec(['hostname', '-I'])).stdout.trim()).toBe(sandbox.ip);
  });

  it('serves its volume to the node at the pod IP, and logs the request', async () => {
    await expectEventually(async () => (await node.run(['curl', '-s', '--max-time', '2', `http://${sandbox.ip}/`])).stdout, 'page of web-0');
    await expectEventually(async () => /GET \/ HTTP/.test(await web.logs()), true);
  });

  it('passes exec exit codes and environment through', async () => {
    expect((await web.exec(['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expect((await web.exec(['sh', '-c', 'echo $GREETING'])).stdout.trim()).toBe('hello');
  });

  it('projects a read-only file that the container cannot change', async () => {
    expect((await web.exec(['cat', '/etc/config/settings.conf'])).stdout).toBe('from a configMap\n');
    expect((await web.exec(['sh', '-c', 'echo x > /etc/config/settings.conf'])).exitCode).not.toBe(0);
    expect(readFileSync(join(dir, 'settings.conf'), 'utf8')).toBe('from a configMap\n');
  });

  it('resolves cluster names from the hosts file, and follows its updates, longer and shorter', async () => {
    expect((await web.exec(['getent', 'hosts', 'web-0.nginx'])).stdout).toContain(sandbox.ip);
    await writeHostsFile(dnsDir, hostsFor([{ name: 'web-0', ip: sandbox.ip }, { name: 'web-1', ip: '10.244.9.9' }]));
    expect((await web.exec(['getent', 'hosts', 'web-1.nginx'])).stdout).toContain('10.244.9.9');
    await writeHostsFile(dnsDir, hostsFor([{ name: 'web-1', ip: '10.244.9.8' }]));
    expect((await web.exec(['getent', 'hosts', 'web-1.nginx'])).stdout.split(/\s+/)[0]).toBe('10.244.9.8');
    expect((await web.exec(['getent', 'hosts', 'web-0.nginx'])).exitCode).toBe(2);
  });

  it('shares localhost between the containers of a pod', async () => {
    const sidecar = await DockerContainer.start(client, sandbox, {
      name: 'sidecar',
      image: 'busybox',
      command: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/80; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3'],
      env: {},
      mounts: [],
      dnsDir,
    });
    expect(await sidecar.exited).toBe(0);
    expect(await sidecar.logs()).toContain('page of web-0');
    expect(await sidecar.stop(1000)).toBe(0);
  });

  it('stops gracefully: SIGTERM first, SIGKILL after the grace period', async () => {
    const start = (name: string, script: string) => DockerContainer.start(client, sandbox, { name, image: 'debian', command: ['bash', '-c', script], env: {}, mounts: [{ source: volume, target: '/data', readOnly: false }], dnsDir });
    const polite = await start('polite', 'trap "echo got TERM > /data/polite; exit 0" TERM; echo up; while :; do sleep 0.1; done');
    const stubborn = await start('stubborn', 'trap "echo ignoring TERM" TERM; echo up; while :; do sleep 0.1; done');
    await expectEventually(async () => (await polite.logs()).includes('up') && (await stubborn.logs()).includes('up'), true);
    expect(await polite.stop(30_000)).toBe(0);
    expect(readFileSync(join(volume, 'polite'), 'utf8')).toBe('got TERM\n');
    expect(await stubborn.stop(1000)).toBe(137);
    expect(await stubborn.logs().catch(() => 'removed')).toBe('removed');
  });

  it('removes everything by label, and the veth leaves the node with the sandbox', async () => {
    const before = await node.run(['ip', '-o', 'link', 'show', 'master', 'emu0']);
    expect(before.stdout).toMatch(/veth/);
    expect(await removeClusterContainers(client, pod.cluster)).toBeGreaterThanOrEqual(2);
    const left = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${LABELS.cluster}=${pod.cluster}`] } });
    expect(left).toEqual([]);
    // The kernel tears a network namespace down asynchronously: the veth goes soon after.
    await expectEventually(async () => (await node.run(['ip', '-o', 'link', 'show', 'master', 'emu0'])).stdout, '');
  });
});

/** Bounded poll for a value that arrives asynchronously (a served page, a log line). */
async function expectEventually<T>(probe: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(last).toEqual(expected);
}
