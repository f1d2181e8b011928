// A TypeScript program using @kubernetes/client-node against emu: list,
// watch, logs, exec and port-forward, with the kubeconfig `emu kubeconfig` gives.
import { createServer, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('client-node');
let config: k8s.KubeConfig;

describe('@kubernetes/client-node against emu', () => {
  beforeAll(async () => {
    expect((await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], t.env)).exitCode).toBe(0);
    const kubeconfig = await emu(['kubeconfig'], t.env);
    config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig.stdout);
  }, 120_000);
  afterAll(async () => expect(await downAndCleanup(t)).toEqual([]), 120_000);

  it('lists pods and reads the StatefulSet', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=nginx' });
    expect(pods.items.map((p) => p.metadata?.name).sort()).toEqual(['web-0', 'web-1']);
    expect(pods.items.every((p) => p.status?.podIP?.startsWith('10.244.'))).toBe(true);
    const apps = config.makeApiClient(k8s.AppsV1Api);
    const set = await apps.readNamespacedStatefulSet({ name: 'web', namespace: 'default' });
    expect(set.status?.readyReplicas).toBe(2);
  });

  it('watches a pod being deleted and recreated', async () => {
    const events: string[] = [];
    const watch = new k8s.Watch(config);
    let done!: () => void;
    const recreatedReady = new Promise<void>((resolve) => (done = resolve));
    let deleted = false;
    const request = await watch.watch('/api/v1/namespaces/default/pods', { fieldSelector: 'metadata.name=web-1' }, (type, pod: k8s.V1Pod) => {
      events.push(type);
      if (type === 'DELETED') deleted = true;
      if (deleted && type !== 'DELETED' && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) done();
    }, () => undefined);
    try {
      await config.makeApiClient(k8s.CoreV1Api).deleteNamespacedPod({ name: 'web-1', namespace: 'default' });
      await recreatedReady;
    } finally {
      request.abort();
    }
    expect(events[0]).toBe('ADDED');
    expect(events).toContain('DELETED');
    expect(events.lastIndexOf('ADDED')).toBeGreaterThan(events.indexOf('DELETED'));
  });

  it('execs with the exit code, and reads logs', async () => {
    const exec = new k8s.Exec(config);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d.toString()));
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      exec.exec('default', 'web-0', 'nginx', ['sh', '-c', 'hostname; exit 4'], stdout, null, null, false, (s) => resolve(s)).catch(reject);
    });
    expect(out).toBe('web-0\n');
    expect(status.status).toBe('Failure');
    expect(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message).toBe('4');

    await emu(['exec', 'web-0', '--', 'curl', '-s', '-o', '/dev/null', 'http://localhost/from-client-node'], t.env);
    const log = await config.makeApiClient(k8s.CoreV1Api).readNamespacedPodLog({ name: 'web-0', namespace: 'default' });
    expect(log).toMatch(/GET \/from-client-node/);
  });

  it('forwards a port to the pod', async () => {
    await emu(['exec', 'web-0', '--', 'sh', '-c', 'echo forwarded > /usr/share/nginx/html/index.html'], t.env);
    const forward = new k8s.PortForward(config);
    const server = createServer((socket) => void forward.portForward('default', 'web-0', [80], socket, null, socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // Several connections: the request bytes arrive before the pod connection is up, and must wait for it.
      for (let i = 0; i < 5; i++) {
        const page = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text();
        expect(page).toBe('forwarded\n');
      }
    } finally {
      server.close();
    }
  });
});
