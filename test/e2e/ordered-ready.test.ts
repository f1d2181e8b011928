// StatefulSet ordering with real processes: OrderedReady creation and deletion
// order, halting on an unready pod, Parallel, and partitioned rolling updates.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emu, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('ordered');
const manifest = `${ROOT}test/e2e/fixtures/ordered.yaml`;
const pods = async () => JSON.parse((await emu(['get', 'pods', '-o', 'json'], env)).stdout).items as any[];
const readyAt = (p: any) => Date.parse(p.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime);
const names = (items: any[]) => items.map((p) => p.metadata.name);

/** Poll the pod list until `done` holds (bounded). */
async function waitPods(what: string, done: (items: any[]) => boolean, timeoutMs = 60_000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await pods();
    if (done(items)) return items;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; pods: ${names(items)}`);
  }
}

/** Watch `get pods -w` output while `action` runs; returns every line printed. */
async function watchDuring(action: () => Promise<void>): Promise<string[]> {
  const { execa } = await import('execa');
  const watcher = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'get', 'pods', '-w'], { env, reject: false });
  const lines: string[] = [];
  watcher.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  await new Promise((resolve) => watcher.stdout!.once('data', resolve));
  try {
    await action();
  } finally {
    watcher.kill('SIGTERM');
    await watcher;
  }
  return lines;
}

describe('OrderedReady, Parallel and updates on real pods', () => {
  beforeAll(async () => {
    const applied = await emu(['apply', '-f', manifest, '--wait'], env);
    expect(applied.exitCode).toBe(0);
  });
  afterAll(async () => {
    await emu(['down', '--volumes'], env);
    expect(processesOf(home)).toEqual([]);
    cleanup();
  });

  it('created 0, 1, 2 each after the previous was Ready', async () => {
    const items = await pods();
    expect(names(items)).toEqual(['ordered-0', 'ordered-1', 'ordered-2']);
    for (let i = 1; i < items.length; i++) {
      expect(Date.parse(items[i].metadata.creationTimestamp)).toBeGreaterThanOrEqual(readyAt(items[i - 1]));
    }
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    const lines = await watchDuring(async () => {
      expect((await emu(['scale', 'statefulset', 'ordered', '--replicas', '1'], env)).stdout).toBe('statefulset.apps/ordered scaled');
      await waitPods('scale-down to 1', (items) => items.length === 1);
    });
    const terminating = lines.filter((l) => /Terminating/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect([...new Set(terminating)]).toEqual(['ordered-2', 'ordered-1']);
  });

  it('halts scale-up while a pod is unready, and resumes when it is Ready again', async () => {
    await emu(['exec', 'ordered-0', '--', 'touch', '/tmp/unready'], env);
    await waitPods('ordered-0 unready', (items) => items[0]?.status.containerStatuses[0].ready === false);
    await emu(['scale', 'statefulset', 'ordered', '--replicas', '3'], env);
    // Nothing may be created while ordered-0 is unready: observe for several probe
    // periods (the readiness probe runs every second) that the set stays at one pod.
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) expect(names(await pods())).toEqual(['ordered-0']);
    await emu(['exec', 'ordered-0', '--', 'rm', '/tmp/unready'], env);
    const items = await waitPods('scale-up to 3 Ready', (all) => all.length === 3 && all.every((p) => p.status.containerStatuses[0].ready));
    expect(names(items)).toEqual(['ordered-0', 'ordered-1', 'ordered-2']);
  });

  it('halts scale-down while a pod is unready, too', async () => {
    await emu(['exec', 'ordered-0', '--', 'touch', '/tmp/unready'], env);
    await waitPods('ordered-0 unready', (items) => items[0]?.status.containerStatuses[0].ready === false);
    await emu(['scale', 'statefulset', 'ordered', '--replicas', '2'], env);
    // Observed for several probe periods, as above: ordered-2 must stay.
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) expect(names(await pods())).toEqual(['ordered-0', 'ordered-1', 'ordered-2']);
    await emu(['exec', 'ordered-0', '--', 'rm', '/tmp/unready'], env);
    await waitPods('scale-down to 2', (all) => all.length === 2);
    await emu(['scale', 'statefulset', 'ordered', '--replicas', '3'], env);
    await waitPods('back to 3 Ready', (all) => all.length === 3 && all.every((p) => p.status.containerStatuses[0].ready));
  });

  it('rolls an update from the highest ordinal down to the partition only', async () => {
    const before = await pods();
    const revision = (p: any) => p.metadata.labels['controller-revision-hash'];
    const changed = readFileSync(manifest, 'utf8')
      .replace('replicas: 3', 'replicas: 3\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 1')
      .replace('app: ordered\n    spec:', 'app: ordered\n        tier: v2\n    spec:');
    const file = `${home}/ordered-v2.yaml`;
    writeFileSync(file, changed);
    expect((await emu(['apply', '-f', file], env)).stdout).toContain('statefulset.apps/ordered configured');
    const after = await waitPods('ordered-1 and ordered-2 updated', (items) => items.length === 3 && items.every((p) => p.status.containerStatuses[0].ready) && items.slice(1).every((p) => p.metadata.labels.tier === 'v2'));
    expect(after[0].metadata.uid).toBe(before[0].metadata.uid); // below the partition: untouched
    expect(revision(after[0])).toBe(revision(before[0]));
    expect(revision(after[1])).toBe(revision(after[2]));
    expect(revision(after[2])).not.toBe(revision(before[2]));
    const sts = JSON.parse((await emu(['get', 'sts', 'ordered', '-o', 'json'], env)).stdout);
    expect(sts.status.updateRevision).toBe(revision(after[2]));
    expect(sts.status.currentRevision).toBe(revision(before[0]));
  });

  it('refuses to change fields Kubernetes keeps fixed, changing nothing', async () => {
    const before = await emu(['get', 'sts', 'ordered', '-o', 'json'], env);
    const file = `${home}/ordered-renamed-service.yaml`;
    writeFileSync(file, readFileSync(manifest, 'utf8').replace('serviceName: ordered', 'serviceName: other').replace('replicas: 3', 'replicas: 5'));
    const refused = await emu(['apply', '-f', file], env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: ${file}:\\d+:\\d+: StatefulSet.apps "ordered" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas'`));
    expect((await emu(['get', 'sts', 'ordered', '-o', 'json'], env)).stdout).toBe(before.stdout); // replicas: 5 was not applied either
    expect(names(await pods())).toEqual(['ordered-0', 'ordered-1', 'ordered-2']);
  });

  it('OnDelete leaves pods alone until they are deleted', async () => {
    const before = await pods();
    const file = `${home}/ordered-ondelete.yaml`;
    writeFileSync(file, readFileSync(manifest, 'utf8').replace('replicas: 3', 'replicas: 3\n  updateStrategy:\n    type: OnDelete').replace('app: ordered\n    spec:', 'app: ordered\n        tier: v3\n    spec:'));
    expect((await emu(['apply', '-f', file], env)).exitCode).toBe(0);
    // The controller has seen the new revision once the set's status reports it.
    const deadline = Date.now() + 30_000;
    let sts: any;
    do sts = JSON.parse((await emu(['get', 'sts', 'ordered', '-o', 'json'], env)).stdout);
    while (sts.status.updateRevision === before[2].metadata.labels['controller-revision-hash'] && Date.now() < deadline);
    expect((await pods()).map((p) => p.metadata.uid)).toEqual(before.map((p) => p.metadata.uid));
    await emu(['delete', 'pod', 'ordered-1'], env);
    const after = await waitPods('ordered-1 recreated', (items) => items.length === 3 && items[1].metadata.uid !== before[1].metadata.uid && items[1].status.containerStatuses[0].ready);
    expect(after[1].metadata.labels.tier).toBe('v3');
    expect(after[0].metadata.uid).toBe(before[0].metadata.uid);
    expect(after[2].metadata.uid).toBe(before[2].metadata.uid);
  });
});

describe('Parallel pod management', () => {
  const parallel = testHome('parallel');
  afterAll(async () => {
    await emu(['down', '--volumes'], parallel.env);
    parallel.cleanup();
  });

  it('creates every pod without waiting for the others to be Ready', async () => {
    const file = `${parallel.home}/parallel.yaml`;
    // Pods never become Ready: OrderedReady would stop at one; Parallel creates all four.
    writeFileSync(file, readFileSync(manifest, 'utf8').replace('replicas: 3', 'replicas: 4\n  podManagementPolicy: Parallel').replace('test ! -e /tmp/unready', 'false'));
    const applied = await emu(['apply', '-f', file], parallel.env);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const deadline = Date.now() + 30_000;
    let items: any[] = [];
    do items = JSON.parse((await emu(['get', 'pods', '-o', 'json'], parallel.env)).stdout).items;
    while (items.length < 4 && Date.now() < deadline);
    expect(names(items)).toEqual(['ordered-0', 'ordered-1', 'ordered-2', 'ordered-3']);
    expect(items.every((p) => p.status.containerStatuses[0].ready === false)).toBe(true);
  });
});
