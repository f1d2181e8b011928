// Readiness (httpGet, tcpSocket), startup and liveness probes on real processes,
// restarts with a (time-scaled) CrashLoopBackOff, and the ClusterIP-free port-forward.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emu, ROOT, testHome, until } from '../helpers/emu-cli.ts';

const { env: baseEnv, cleanup } = testHome('probes');
const env = { ...baseEnv, EMU_TIME_SCALE: '0.01' }; // CrashLoopBackOff 10 s → 100 ms
const pod = async () => JSON.parse((await emu(['get', 'pods', 'probed-0', '-o', 'json'], env)).stdout);
const status = (p: any, name: string) => p.status.containerStatuses.find((c: any) => c.name === name);


describe('probes', () => {
  beforeAll(async () => {
    expect((await emu(['apply', '-f', `${ROOT}test/e2e/fixtures/probes.yaml`], env)).exitCode).toBe(0);
  });
  afterAll(async () => {
    await emu(['down', '--volumes'], env);
    cleanup();
  });

  it('holds readiness back until the startup probe succeeds, then the pod is Ready', async () => {
    const ready = await until('probed-0 Ready', async () => {
      const p = await pod();
      return p.status.conditions.find((c: any) => c.type === 'Ready').status === 'True' ? p : undefined;
    });
    expect(status(ready, 'worker').started).toBe(true);
    expect((await emu(['exec', 'probed-0', '-c', 'worker', '--', 'cat', '/tmp/me'], env)).stdout).toBe('probed-0'); // $(POD_NAME) expanded
    expect(status(ready, 'web').ready).toBe(true);
    const started = Date.parse(ready.status.startTime);
    const readyAt = Date.parse(ready.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime);
    expect(readyAt - started).toBeGreaterThanOrEqual(1000); // the worker sleeps 1 s before it starts
  });

  it('restarts a container whose liveness probe fails, keeping the pod', async () => {
    const before = await pod();
    await emu(['exec', 'probed-0', '-c', 'worker', '--', 'touch', '/tmp/dead'], env);
    const after = await until('worker restarted and Ready again', async () => {
      const p = await pod();
      return status(p, 'worker').restartCount >= 1 && status(p, 'worker').ready ? p : undefined;
    });
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(status(after, 'web').restartCount).toBe(0);
    const events = (await emu(['describe', 'pod', 'probed-0'], env)).stdout;
    expect(events).toMatch(/Restart Count:\s+1/);
  });

  it('port-forwards a local port to the pod', async () => {
    await emu(['exec', 'probed-0', '-c', 'web', '--', 'sh', '-c', 'echo forwarded > /usr/share/nginx/html/pf.html'], env);
    const forward = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'port-forward', 'probed-0', '18089:80'], { env, reject: false });
    try {
      await new Promise<void>((resolve) => forward.stdout!.on('data', (c: Buffer) => c.toString().includes('Forwarding from 127.0.0.1:18089 -> 80') && resolve()));
      const page = await fetch('http://127.0.0.1:18089/pf.html').then((r) => r.text());
      expect(page.trim()).toBe('forwarded');
    } finally {
      forward.kill('SIGINT');
      await forward;
    }
  });
});
