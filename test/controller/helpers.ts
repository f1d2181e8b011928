import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { FakePodControl } from '../../src/controller/fake-pod-control.ts';
import { reconcile, type ReconcileResult } from '../../src/controller/reconcile.ts';
import { setKey } from '../../src/controller/types.ts';

export interface SetOptions {
  name?: string;
  replicas?: number;
  policy?: 'OrderedReady' | 'Parallel';
  strategy?: 'RollingUpdate' | 'OnDelete';
  partition?: number;
  minReadySeconds?: number;
  start?: number;
  whenScaled?: 'Retain' | 'Delete';
  whenDeleted?: 'Retain' | 'Delete';
  image?: string;
  claims?: string[];
  revisionHistoryLimit?: number;
}

/** A StatefulSet as it arrives from the manifest layer: validated and fully defaulted. */
export function makeSet(o: SetOptions = {}): StatefulSet {
  const name = o.name ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: name } },
      podManagementPolicy: o.policy ?? 'OrderedReady',
      updateStrategy:
        o.strategy === 'OnDelete'
          ? { type: 'OnDelete' }
          : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      minReadySeconds: o.minReadySeconds ?? 0,
      ordinals: { start: o.start ?? 0 },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: o.whenScaled ?? 'Retain',
        whenDeleted: o.whenDeleted ?? 'Retain',
      },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'nginx', image: o.image ?? 'nginx:1.25' }] },
      },
      volumeClaimTemplates: (o.claims ?? []).map((claim) => ({
        metadata: { name: claim },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      })),
    },
  };
}

/**
 * One reconcile pass against the fake world: reads its pods, applies the actions
 * to it (create → Pending pod, delete → terminating) and returns the result.
 */
export async function pass(
  fake: FakePodControl,
  set: StatefulSet,
  revisions: { current: string; update: string },
  nowMs = 0,
  scaledDown: number[] = [],
): Promise<ReconcileResult> {
  const result = reconcile({
    set,
    pods: fake.listPods(setKey(set)),
    currentRevision: revisions.current,
    updateRevision: revisions.update,
    nowMs,
    scaledDown,
  });
  for (const action of result.actions) {
    if (action.kind === 'create') await fake.createPod(set, action.ordinal, action.revision);
    if (action.kind === 'delete') await fake.deletePod('default', action.name, action.reason);
    if (action.kind === 'delete-claims') await fake.deleteClaims(set, action.ordinal);
  }
  return result;
}

/** Actions as short strings, e.g. `create 0@A`, `delete web-2 update`, `delete-claims 3`. */
export function summary(result: ReconcileResult): string[] {
  return result.actions.map((a) =>
    a.kind === 'create'
      ? `create ${a.ordinal}@${a.revision}`
      : a.kind === 'delete'
        ? `delete ${a.name} ${a.reason}`
        : `delete-claims ${a.ordinal}`,
  );
}
