// The Kubernetes basic StatefulSet tutorial, applied unchanged, through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNobody, checkoutReadableByNobody, emu, hostMountsOf, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('tutorial');
const pods = async () => JSON.parse((await emu(['get', 'pods', '-o', 'json'], env)).stdout).items as any[];

describe('basic StatefulSet tutorial (web + nginx)', () => {
  beforeAll(async () => {
    const applied = await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('service/nginx created');
    expect(applied.stdout).toContain('statefulset.apps/web created');
  });
  afterAll(async () => {
    await emu(['down', '--volumes'], env);
    cleanup();
  });

  it('creates web-1 only after web-0 is Ready (OrderedReady)', async () => {
    const [web0, web1] = await pods();
    const web0Ready = web0.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime;
    expect(Date.parse(web1.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(web0Ready));
  });

  it('re-applying the same manifest reports unchanged', async () => {
    const again = await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`], env);
    expect(again.stdout.split('\n')).toEqual(['service/nginx unchanged', 'statefulset.apps/web unchanged']);
  });

  it('gives each pod hostname = pod name, and pod DNS names', async () => {
    expect((await emu(['exec', 'web-0', '--', 'hostname'], env)).stdout).toBe('web-0');
    const web1 = (await pods()).find((p) => p.metadata.name === 'web-1');
    const resolved = await emu(['exec', 'web-0', '--', 'getent', 'hosts', 'web-1.nginx'], env);
    expect(resolved.stdout.split(/\s+/)[0]).toBe(web1.status.podIP);
  });

  it('passes the exit code of exec through', async () => {
    expect((await emu(['exec', 'web-0', '--', 'sh', '-c', 'exit 7'], env)).exitCode).toBe(7);
  });

  it('reaches its own nginx on localhost, and keeps per-pod pages across deletion with new IPs', async () => {
    for (const pod of ['web-0', 'web-1']) {
      await emu(['exec', pod, '--', 'sh', '-c', 'hostname > /usr/share/nginx/html/index.html'], env);
      expect((await emu(['exec', pod, '--', 'curl', '-s', 'http://localhost/'], env)).stdout).toBe(pod);
    }
    const before = await pods();
    const deleted = await emu(['delete', 'pod', 'web-0', 'web-1'], env);
    expect(deleted.stdout).toBe('pod "web-0" deleted\npod "web-1" deleted');
    await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], env);
    const after = await pods();
    expect(after.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    for (const [i, pod] of after.entries()) {
      expect(pod.status.podIP).not.toBe(before[i].status.podIP);
      expect(pod.metadata.uid).not.toBe(before[i].metadata.uid);
      // Ready means started here (no readiness probe in the tutorial): poll until nginx answers.
      let page = '';
      for (let attempt = 0; attempt < 100 && page !== pod.metadata.name; attempt++) {
        page = (await emu(['exec', pod.metadata.name, '--', 'curl', '-s', 'http://localhost/'], env)).stdout;
      }
      expect(page).toBe(pod.metadata.name);
    }
  });

  it('shows IPs and volume directories with -o wide, and volumes as pvc', async () => {
    const wide = (await emu(['get', 'pods', '-o', 'wide'], env)).stdout.split('\n');
    // kubectl's wide columns, then where the pod's volumes live on the host.
    expect(wide[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES', 'VOLUMES']);
    expect(wide[1]).toMatch(new RegExp(`^web-0\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+emu\\s+<none>\\s+<none>\\s+${home}/clusters/tutorial/volumes/default/www-web-0$`));
    const pvc = (await emu(['get', 'pvc', '-o', 'name'], env)).stdout;
    expect(pvc).toBe('persistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1');
  });

  it('describes a pod with its events', async () => {
    const out = (await emu(['describe', 'pod', 'web-0'], env)).stdout;
    expect(out).toMatch(/^Name:\s+web-0$/m);
    expect(out).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web-0 to emu/);
    expect(out).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
    expect(out).toMatch(/statefulset.kubernetes.io\/pod-name=web-0/);
    // The incarnation deleted earlier was stopped: its Killing event is in the namespace's events.
    expect((await emu(['get', 'events'], env)).stdout).toMatch(/Normal\s+Killing\s+pod\/web-0\s+Stopping container nginx/);
  });

  it('describes the StatefulSet with its status and controller events', async () => {
    const out = (await emu(['describe', 'statefulset', 'web'], env)).stdout;
    expect(out).toMatch(/^Pods Status:\s+2 Ready \/ 2 Total$/m);
    expect(out).toMatch(/^Pod Management:\s+OrderedReady$/m);
    expect(out).toMatch(/Normal\s+SuccessfulCreate\s+.*create Pod web-1 in StatefulSet web successful/);
    const svc = (await emu(['get', 'svc', 'nginx', '-o', 'yaml'], env)).stdout;
    expect(svc).toMatch(/^\s+clusterIP: None$/m);
  });

  it('follows a container log as new lines arrive', async () => {
    const { execa } = await import('execa');
    const follow = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'logs', '-f', 'web-1'], { env, reject: false });
    let seen = '';
    const marker = `/follow-${Date.now()}`;
    const arrived = new Promise<void>((resolve) =>
      follow.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(marker)) resolve();
      }),
    );
    await emu(['exec', 'web-0', '--', 'curl', '-s', '-o', '/dev/null', `http://web-1.nginx${marker}`], env);
    await arrived;
    follow.kill('SIGINT');
    await follow;
    expect(seen).toMatch(new RegExp(`"GET ${marker} HTTP/1.1" 404`));
  });

  it('keeps its control socket in a directory only its user can open', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(`${home}/clusters/tutorial/run`).mode & 0o777).toBe(0o700);
    expect(statSync(`${home}/clusters/tutorial`).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!checkoutReadableByNobody)('keeps the cluster private: another user reads no volume and gets a clear permission error', async () => {
    const { chmodSync } = await import('node:fs');
    chmodSync(home, 0o755); // like a home directory others may look into: only the cluster directory keeps them out
    await emu(['exec', 'web-0', '--', 'sh', '-c', 'echo secret > /usr/share/nginx/html/private.txt'], env);
    const volumeFile = `${home}/clusters/tutorial/volumes/default/www-web-0/private.txt`;
    expect((await asNobody(['cat', volumeFile])).stderr).toContain('Permission denied');
    const other = await asNobody([process.execPath, `${ROOT}bin/emu.mjs`, 'get', 'pods'], { env });
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toBe(`error: permission denied: cluster "tutorial" at ${home}/clusters/tutorial belongs to user root (uid 0); use your own EMU_HOME, or run emu as that user`);
  });

  it('reports unknown pods the kubectl way', async () => {
    const missing = await emu(['exec', 'web-9', '--', 'true'], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "web-9" not found');
  });

  it('never mounts anything in the host mount table', () => {
    expect(hostMountsOf(home)).toEqual([]);
    expect(processesOf(home).length).toBeGreaterThan(0); // the cluster is running (sanity for the leak checks)
  });
});
