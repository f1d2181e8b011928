import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { FakePodControl } from '../../src/controller/fake-pod-control.ts';
import type { PodControl } from '../../src/controller/pod-control.ts';
import { revisionName } from '../../src/controller/revision.ts';
import { StatefulSetController, type ControllerEvent } from '../../src/controller/statefulset-controller.ts';
import type { PodView } from '../../src/controller/types.ts';
import { makeSet } from './helpers.ts';

const KEY = 'default/web';

interface SetupOptions {
  now?: () => number;
  fake?: FakePodControl;
  podControl?: PodControl;
  listPods?: (key: string) => PodView[];
}

function setup(options: SetupOptions = {}) {
  const fake = options.fake ?? new FakePodControl(options.now);
  const events: ControllerEvent[] = [];
  const controller = new StatefulSetController({
    podControl: options.podControl ?? fake,
    listPods: options.listPods ?? fake.listPods,
    recorder: (event) => events.push(event),
    now: options.now,
  });
  fake.onChange = (key) => controller.podChanged(key);
  const creates = () => fake.calls.filter((c) => c.op === 'createPod').map((c) => c.ordinal);
  return { fake, events, controller, creates };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('StatefulSetController', () => {
  it('drives OrderedReady scale-up from pod changes and records Kubernetes events', async () => {
    const { fake, events, controller, creates } = setup();
    controller.upsert(makeSet({ replicas: 2 }));
    await controller.idle();
    expect(creates()).toEqual([0]);
    expect(events).toEqual([
      {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: 'create Pod web-0 in StatefulSet web successful',
        object: 'StatefulSet/default/web',
      },
    ]);

    fake.markReady(KEY, 0);
    await controller.idle();
    expect(creates()).toEqual([0, 1]);
    fake.markReady(KEY, 1);
    await controller.idle();
    const revision = revisionName(makeSet());
    expect(controller.status(KEY)).toEqual({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      currentRevision: revision,
      updateRevision: revision,
    });

    controller.upsert(makeSet({ replicas: 1 }));
    await controller.idle();
    expect(events.at(-1)).toMatchObject({
      reason: 'SuccessfulDelete',
      message: 'delete Pod web-1 in StatefulSet web successful',
    });
    await controller.stop();
  });

  it('never runs two syncs of a set at once and coalesces triggers during a sync into one more', async () => {
    const fake = new FakePodControl();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let listings = 0;
    let inSync = 0;
    let maxInSync = 0;
    const { controller } = setup({
      fake,
      listPods: (key) => {
        listings++;
        return fake.listPods(key);
      },
      podControl: {
        createPod: async (set, ordinal, revision) => {
          maxInSync = Math.max(maxInSync, ++inSync);
          await blocked;
          await fake.createPod(set, ordinal, revision);
          inSync--;
        },
        deletePod: (...args) => fake.deletePod(...args),
        deleteClaims: (...args) => fake.deleteClaims(...args),
      },
    });
    controller.upsert(makeSet({ replicas: 1 }));
    await vi.waitFor(() => expect(inSync).toBe(1)); // first sync is inside createPod
    for (let i = 0; i < 5; i++) controller.podChanged(KEY);
    controller.upsert(makeSet({ replicas: 1 }));
    release();
    await controller.idle();
    expect(listings).toBe(2);
    expect(maxInSync).toBe(1);
    expect(fake.calls.filter((c) => c.op === 'createPod')).toHaveLength(1);
  });

  it('coalesces a burst of triggers before a sync starts into that sync', async () => {
    const fake = new FakePodControl();
    let listings = 0;
    const { controller } = setup({ fake, listPods: (key) => (listings++, fake.listPods(key)) });
    controller.upsert(makeSet({ replicas: 0 }));
    for (let i = 0; i < 5; i++) controller.podChanged(KEY);
    await controller.idle();
    expect(listings).toBe(1);
  });

  it('records FailedCreate and retries after a backoff', async () => {
    vi.useFakeTimers();
    const { fake, events, controller, creates } = setup();
    fake.failNext('createPod', new Error('no space left on device'));
    controller.upsert(makeSet({ replicas: 1 }));
    await controller.idle();
    expect(events).toEqual([
      {
        type: 'Warning',
        reason: 'FailedCreate',
        message: 'create Pod web-0 in StatefulSet web failed error: no space left on device',
        object: 'StatefulSet/default/web',
      },
    ]);
    expect(fake.listPods(KEY)).toEqual([]);
    await vi.advanceTimersByTimeAsync(999);
    expect(creates()).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await controller.idle();
    expect(creates()).toEqual([0, 0]);
    expect(fake.listPods(KEY).map((p) => p.name)).toEqual(['web-0']);
    expect(events.at(-1)?.reason).toBe('SuccessfulCreate');
    await controller.stop();
  });

  it('requeues after minReadySeconds so the next pod is created without any pod change', async () => {
    vi.useFakeTimers();
    const { fake, controller, creates } = setup({ now: () => Date.now() });
    controller.upsert(makeSet({ replicas: 2, minReadySeconds: 5 }));
    await controller.idle();
    fake.markReady(KEY, 0);
    await controller.idle();
    expect(creates()).toEqual([0]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(creates()).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await controller.idle();
    expect(creates()).toEqual([0, 1]);
    await controller.stop();
  });

  it('remove stops syncing the set and clears its requeue timer', async () => {
    vi.useFakeTimers();
    const { fake, controller, creates } = setup({ now: () => Date.now() });
    controller.upsert(makeSet({ replicas: 2, minReadySeconds: 5 }));
    await controller.idle();
    fake.markReady(KEY, 0);
    await controller.idle();
    await controller.remove(KEY);
    expect(vi.getTimerCount()).toBe(0);
    controller.podChanged(KEY);
    await vi.advanceTimersByTimeAsync(10_000);
    await controller.idle();
    expect(creates()).toEqual([0]);
    expect(controller.status(KEY)).toBeUndefined();
  });

  it('rolls out a template change, recreating pods below the partition from the old template', async () => {
    const created: StatefulSet[] = [];
    const fake = new FakePodControl();
    const { controller } = setup({
      fake,
      podControl: {
        createPod: (set, ordinal, revision) => (created.push(set), fake.createPod(set, ordinal, revision)),
        deletePod: (...args) => fake.deletePod(...args),
        deleteClaims: (...args) => fake.deleteClaims(...args),
      },
    });
    const readyAll = async () => {
      for (const pod of fake.listPods(KEY)) if (!pod.ready && !pod.terminating) fake.markReady(KEY, pod.ordinal);
      await controller.idle();
    };
    controller.upsert(makeSet({ replicas: 2, policy: 'Parallel' }));
    await controller.idle();
    await readyAll();
    const oldRevision = revisionName(makeSet());

    controller.upsert(makeSet({ replicas: 2, policy: 'Parallel', partition: 1, image: 'nginx:1.26' }));
    await controller.idle();
    const newRevision = revisionName(makeSet({ image: 'nginx:1.26' }));
    expect(controller.history(KEY).map((r) => r.name)).toEqual([oldRevision, newRevision]);
    expect(fake.pod(KEY, 1)?.terminating).toBe(true);
    fake.removePod(KEY, 1);
    await readyAll();
    expect(fake.pod(KEY, 1)?.revision).toBe(newRevision);
    expect(created.at(-1)?.spec?.template.spec?.containers[0].image).toBe('nginx:1.26');

    // web-0 is below the partition: a user deletion brings it back at the old revision and template.
    await fake.deletePod('default', 'web-0', 'update');
    fake.removePod(KEY, 0);
    await controller.idle();
    expect(fake.pod(KEY, 0)?.revision).toBe(oldRevision);
    expect(created.at(-1)?.spec?.template.spec?.containers[0].image).toBe('nginx:1.25');
    expect(controller.status(KEY)).toMatchObject({ currentRevision: oldRevision, updateRevision: newRevision });
    await controller.stop();
  });

  it('whenScaled Delete: deletes the claims of a scaled-down ordinal after its pod is gone', async () => {
    const { fake, events, controller } = setup();
    controller.upsert(makeSet({ replicas: 2, policy: 'Parallel', whenScaled: 'Delete', claims: ['data'] }));
    await controller.idle();
    controller.upsert(makeSet({ replicas: 1, policy: 'Parallel', whenScaled: 'Delete', claims: ['data'] }));
    await controller.idle();
    expect(fake.pod(KEY, 1)?.terminating).toBe(true);
    expect(fake.calls.filter((c) => c.op === 'deleteClaims')).toEqual([]);
    fake.removePod(KEY, 1);
    await controller.idle();
    const claimDeletions = () => fake.calls.filter((c) => c.op === 'deleteClaims');
    expect(claimDeletions()).toEqual([{ op: 'deleteClaims', setKey: KEY, ordinal: 1 }]);
    expect(events.at(-1)?.message).toBe('delete Claim data-web-1 for Pod web-1 in StatefulSet web successful');
    // Done once: later syncs do not delete the claims again.
    controller.podChanged(KEY);
    await controller.idle();
    expect(claimDeletions()).toHaveLength(1);
    await controller.stop();
  });

  it('whenScaled Retain: keeps the claims', async () => {
    const { fake, controller } = setup();
    controller.upsert(makeSet({ replicas: 2, policy: 'Parallel', claims: ['data'] }));
    await controller.idle();
    controller.upsert(makeSet({ replicas: 1, policy: 'Parallel', claims: ['data'] }));
    await controller.idle();
    fake.removePod(KEY, 1);
    await controller.idle();
    expect(fake.calls.filter((c) => c.op === 'deleteClaims')).toEqual([]);
    await controller.stop();
  });

  it('warns before recreating a failed pod', async () => {
    const { fake, events, controller } = setup();
    controller.upsert(makeSet({ replicas: 1 }));
    await controller.idle();
    fake.setPhase(KEY, 0, 'Failed');
    await controller.idle();
    expect(events.slice(-2)).toEqual([
      {
        type: 'Warning',
        reason: 'RecreatingFailedPod',
        message: 'StatefulSet default/web is recreating failed Pod web-0',
        object: 'StatefulSet/default/web',
      },
      {
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: 'delete Pod web-0 in StatefulSet web successful',
        object: 'StatefulSet/default/web',
      },
    ]);
    fake.removePod(KEY, 0);
    await controller.idle();
    expect(fake.pod(KEY, 0)).toMatchObject({ phase: 'Pending', terminating: false });
    await controller.stop();
  });
});
