import { describe, expect, it } from 'vitest';
import { FakePodControl } from '../../src/controller/fake-pod-control.ts';
import { reconcile } from '../../src/controller/reconcile.ts';
import { claimsToDeleteWithSet } from '../../src/controller/retention.ts';
import type { PodView } from '../../src/controller/types.ts';
import { makeSet, pass, summary, type SetOptions } from './helpers.ts';

const KEY = 'default/web';
const AT_A = { current: 'A', update: 'A' };
const A_TO_B = { current: 'A', update: 'B' };

/** A fake world holding `n` Running+Ready pods at revision `rev`, built the way the controller would. */
async function readyWorld(n: number, o: SetOptions = {}, rev = 'A'): Promise<FakePodControl> {
  const fake = new FakePodControl(() => 0);
  const set = makeSet({ ...o, replicas: n, policy: 'Parallel' });
  await pass(fake, set, { current: rev, update: rev });
  for (const pod of fake.listPods(KEY)) fake.markReady(KEY, pod.ordinal);
  return fake;
}

describe('OrderedReady', () => {
  it('scales 0→3 one pod at a time, each after its predecessor is Running and Ready', async () => {
    const fake = new FakePodControl(() => 0);
    const set = makeSet({ replicas: 3 });
    expect(summary(await pass(fake, set, AT_A))).toEqual(['create 0@A']);
    expect(summary(await pass(fake, set, AT_A))).toEqual([]); // web-0 Pending
    fake.setPhase(KEY, 0, 'Running');
    expect(summary(await pass(fake, set, AT_A))).toEqual([]); // Running but not Ready
    fake.markReady(KEY, 0);
    expect(summary(await pass(fake, set, AT_A))).toEqual(['create 1@A']);
    fake.markReady(KEY, 1);
    expect(summary(await pass(fake, set, AT_A))).toEqual(['create 2@A']);
    fake.markReady(KEY, 2);
    const done = await pass(fake, set, AT_A);
    expect(summary(done)).toEqual([]);
    expect(done.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3 });
  });

  it('numbers replicas from ordinals.start and condemns pods outside the range', async () => {
    const fake = new FakePodControl(() => 0);
    const set = makeSet({ replicas: 2, start: 5 });
    expect(summary(await pass(fake, set, AT_A))).toEqual(['create 5@A']);
    fake.markReady(KEY, 5);
    expect(summary(await pass(fake, set, AT_A))).toEqual(['create 6@A']);
    fake.markReady(KEY, 6);
    // Moving the start to 6 condemns web-5 and needs web-7.
    expect(summary(await pass(fake, makeSet({ replicas: 2, start: 6 }), AT_A))).toEqual(['create 7@A']);
  });

  it('halts scale-up while a lower pod is not Ready', async () => {
    const fake = await readyWorld(3);
    fake.markUnready(KEY, 1);
    expect(summary(await pass(fake, makeSet({ replicas: 5 }), AT_A))).toEqual([]);
    fake.markReady(KEY, 1);
    expect(summary(await pass(fake, makeSet({ replicas: 5 }), AT_A))).toEqual(['create 3@A']);
  });

  it('halts scale-down while a remaining pod is not Ready', async () => {
    const fake = await readyWorld(3);
    fake.markUnready(KEY, 0);
    expect(summary(await pass(fake, makeSet({ replicas: 2 }), AT_A))).toEqual([]);
    fake.markReady(KEY, 0);
    expect(summary(await pass(fake, makeSet({ replicas: 2 }), AT_A))).toEqual(['delete web-2 scale-down']);
  });

  it('scales 3→1 from the highest ordinal, waiting for each pod to be gone', async () => {
    const fake = await readyWorld(3);
    const set = makeSet({ replicas: 1 });
    expect(summary(await pass(fake, set, AT_A))).toEqual(['delete web-2 scale-down']);
    expect(summary(await pass(fake, set, AT_A))).toEqual([]); // web-2 still terminating
    fake.removePod(KEY, 2);
    expect(summary(await pass(fake, set, AT_A))).toEqual(['delete web-1 scale-down']);
    fake.removePod(KEY, 1);
    expect(summary(await pass(fake, set, AT_A))).toEqual([]);
  });

  it('still scales down a broken condemned pod when it is the only unhealthy one', async () => {
    const fake = await readyWorld(3);
    fake.setPhase(KEY, 2, 'Pending');
    expect(summary(await pass(fake, makeSet({ replicas: 2 }), AT_A))).toEqual(['delete web-2 scale-down']);
  });

  it('does not scale down a condemned pod that is Ready but not yet Available', async () => {
    let now = 0;
    const fake = new FakePodControl(() => now);
    const world = makeSet({ replicas: 3, policy: 'Parallel' });
    await pass(fake, world, AT_A, now);
    for (const ordinal of [0, 1, 2]) fake.markReady(KEY, ordinal);
    now = 9_000;
    fake.markReady(KEY, 2); // ready again since t=9000
    const set = makeSet({ replicas: 2, minReadySeconds: 10 });
    now = 10_000;
    const waiting = await pass(fake, set, AT_A, now);
    expect(summary(waiting)).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(9_000);
    now = 19_000;
    expect(summary(await pass(fake, set, AT_A, now))).toEqual(['delete web-2 scale-down']);
  });

  it('waits minReadySeconds after Ready before the next creation and asks to be requeued', async () => {
    let now = 1_000;
    const fake = new FakePodControl(() => now);
    const set = makeSet({ replicas: 2, minReadySeconds: 10 });
    await pass(fake, set, AT_A, now);
    fake.markReady(KEY, 0); // ready since t=1000
    const waiting = await pass(fake, set, AT_A, now);
    expect(summary(waiting)).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(10_000);
    expect(waiting.status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    now = 7_000;
    expect((await pass(fake, set, AT_A, now)).requeueAfterMs).toBe(4_000);
    now = 11_000;
    const next = await pass(fake, set, AT_A, now);
    expect(summary(next)).toEqual(['create 1@A']);
    expect(next.requeueAfterMs).toBeUndefined();
    expect(next.status.availableReplicas).toBe(1);
  });
});

describe('Parallel', () => {
  it('creates every missing pod in one pass without waiting for readiness', async () => {
    const fake = new FakePodControl(() => 0);
    const result = await pass(fake, makeSet({ replicas: 3, policy: 'Parallel' }), AT_A);
    expect(summary(result)).toEqual(['create 0@A', 'create 1@A', 'create 2@A']);
  });

  it('deletes every condemned pod in one pass, healthy or not', async () => {
    const fake = await readyWorld(4);
    fake.markUnready(KEY, 0);
    fake.setPhase(KEY, 2, 'Pending');
    const result = await pass(fake, makeSet({ replicas: 1, policy: 'Parallel' }), AT_A);
    expect(summary(result)).toEqual(['delete web-3 scale-down', 'delete web-2 scale-down', 'delete web-1 scale-down']);
  });
});

describe('failed pods', () => {
  for (const policy of ['OrderedReady', 'Parallel'] as const) {
    it(`${policy}: deletes a Failed pod and recreates it only once the old incarnation is gone`, async () => {
      const fake = await readyWorld(3);
      const set = makeSet({ replicas: 3, policy });
      fake.setPhase(KEY, 1, 'Failed');
      expect(summary(await pass(fake, set, AT_A))).toEqual(['delete web-1 failed']);
      expect(summary(await pass(fake, set, AT_A))).toEqual([]); // terminating: identity still taken
      fake.removePod(KEY, 1);
      expect(summary(await pass(fake, set, AT_A))).toEqual(['create 1@A']);
    });
  }

  it('recreates Succeeded pods too (a force-stopped container may exit 0)', async () => {
    const fake = await readyWorld(2);
    fake.setPhase(KEY, 0, 'Succeeded');
    expect(summary(await pass(fake, makeSet({ replicas: 2 }), AT_A))).toEqual(['delete web-0 failed']);
  });

  it('never creates a pod whose identity is still terminating, even in Parallel', async () => {
    const fake = await readyWorld(3);
    await fake.deletePod('default', 'web-0', 'update'); // a user deletion in flight
    const result = await pass(fake, makeSet({ replicas: 3, policy: 'Parallel', strategy: 'OnDelete' }), AT_A);
    expect(result.actions.filter((a) => a.kind === 'create')).toEqual([]);
  });
});

describe('RollingUpdate', () => {
  it('with partition 1 updates 2 then 1, one at a time, never 0', async () => {
    const fake = await readyWorld(3);
    const set = makeSet({ replicas: 3, partition: 1 });
    const step = async () => summary(await pass(fake, set, A_TO_B));

    expect(await step()).toEqual(['delete web-2 update']);
    expect(await step()).toEqual([]);
    fake.removePod(KEY, 2);
    expect(await step()).toEqual(['create 2@B']);
    expect(await step()).toEqual([]); // new web-2 not Ready yet: web-1 must wait
    fake.markReady(KEY, 2);
    expect(await step()).toEqual(['delete web-1 update']);
    fake.removePod(KEY, 1);
    expect(await step()).toEqual(['create 1@B']);
    fake.markReady(KEY, 1);
    const settled = await pass(fake, set, A_TO_B);
    expect(summary(settled)).toEqual([]);
    expect(fake.pod(KEY, 0)?.revision).toBe('A');
    // Not every pod is updated, so the rollout is not complete.
    expect(settled.status).toMatchObject({
      currentRevision: 'A',
      updateRevision: 'B',
      currentReplicas: 1,
      updatedReplicas: 2,
    });
  });

  it('recreates a pod below the partition at the current revision', async () => {
    const fake = await readyWorld(3);
    fake.removePod(KEY, 0);
    expect(summary(await pass(fake, makeSet({ replicas: 3, partition: 1 }), A_TO_B))).toEqual(['create 0@A']);
  });

  it('does not update while any pod is unhealthy (OrderedReady)', async () => {
    const fake = await readyWorld(3);
    fake.markUnready(KEY, 0);
    expect(summary(await pass(fake, makeSet({ replicas: 3 }), A_TO_B))).toEqual([]);
  });

  it('makes the update revision current once every pod is updated and ready', async () => {
    const fake = await readyWorld(2);
    const set = makeSet({ replicas: 2 });
    await pass(fake, set, A_TO_B); // deletes web-1
    fake.removePod(KEY, 1);
    await pass(fake, set, A_TO_B);
    fake.markReady(KEY, 1);
    const half = await pass(fake, set, A_TO_B); // deletes web-0
    expect(half.status.currentRevision).toBe('A');
    fake.removePod(KEY, 0);
    await pass(fake, set, A_TO_B);
    fake.markReady(KEY, 0);
    const done = await pass(fake, set, A_TO_B);
    expect(summary(done)).toEqual([]);
    expect(done.status).toMatchObject({ currentRevision: 'B', currentReplicas: 2, updatedReplicas: 2 });
  });

  it('scales down before it updates', async () => {
    const fake = await readyWorld(3);
    expect(summary(await pass(fake, makeSet({ replicas: 2 }), A_TO_B))).toEqual(['delete web-2 scale-down']);
  });
});

describe('OnDelete', () => {
  it('never deletes for an update; a user-deleted pod comes back at the update revision', async () => {
    const fake = await readyWorld(3);
    const set = makeSet({ replicas: 3, strategy: 'OnDelete' });
    const untouched = await pass(fake, set, A_TO_B);
    expect(summary(untouched)).toEqual([]);
    expect(untouched.status).toMatchObject({ currentRevision: 'A', updatedReplicas: 0 });
    fake.removePod(KEY, 1);
    expect(summary(await pass(fake, set, A_TO_B))).toEqual(['create 1@B']);
  });
});

describe('claim retention', () => {
  const pod = (ordinal: number, over: Partial<PodView> = {}): PodView => ({
    name: `web-${ordinal}`,
    ordinal,
    revision: 'A',
    phase: 'Running',
    ready: true,
    terminating: false,
    ...over,
  });
  const run = (o: SetOptions, pods: PodView[], scaledDown: number[]) =>
    reconcile({
      set: makeSet({ claims: ['data'], ...o }),
      pods,
      currentRevision: 'A',
      updateRevision: 'A',
      nowMs: 0,
      scaledDown,
    });

  it('whenScaled Delete: deletes the claims of a scaled-away ordinal once its pod is gone', () => {
    const terminating = [pod(0), pod(1), pod(2, { terminating: true })];
    const stillTerminating = run({ replicas: 2, whenScaled: 'Delete' }, terminating, [2]);
    expect(stillTerminating.actions).toEqual([]);
    const gone = run({ replicas: 2, whenScaled: 'Delete' }, [pod(0), pod(1)], [2]);
    expect(gone.actions).toEqual([{ kind: 'delete-claims', ordinal: 2 }]);
  });

  it('whenScaled Delete: keeps the claims when the set grew back over the ordinal', () => {
    expect(run({ replicas: 3, whenScaled: 'Delete' }, [pod(0), pod(1), pod(2)], [2]).actions).toEqual([]);
  });

  it('whenScaled Retain: never deletes claims', () => {
    expect(run({ replicas: 2, whenScaled: 'Retain' }, [pod(0), pod(1)], [2]).actions).toEqual([]);
  });

  it('whenDeleted: claims of every given ordinal go with the set only under Delete', () => {
    expect(claimsToDeleteWithSet(makeSet({ claims: ['data'], whenDeleted: 'Delete' }), [2, 0, 1, 0])).toEqual([
      { kind: 'delete-claims', ordinal: 0 },
      { kind: 'delete-claims', ordinal: 1 },
      { kind: 'delete-claims', ordinal: 2 },
    ]);
    expect(claimsToDeleteWithSet(makeSet({ claims: ['data'], whenDeleted: 'Retain' }), [0, 1])).toEqual([]);
    expect(claimsToDeleteWithSet(makeSet({ whenDeleted: 'Delete' }), [0])).toEqual([]); // no claim templates
  });
});
