import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { statefulSetRolloutStatus } from '../../src/client/rollout.ts';

const set = (status: StatefulSet['status'], partition?: number, generation = 2): StatefulSet => ({
  metadata: { name: 'web', generation },
  spec: { replicas: 3, serviceName: 'web', selector: {}, template: {}, updateStrategy: { type: 'RollingUpdate', ...(partition === undefined ? {} : { rollingUpdate: { partition } }) } },
  status,
});

describe("kubectl's StatefulSet rollout status", () => {
  it('waits for the spec to be observed, then for ready pods, then for the partitioned roll out', () => {
    expect(statefulSetRolloutStatus(set({ replicas: 3, observedGeneration: 1 }, 0)).message).toBe('Waiting for statefulset spec update to be observed...');
    expect(statefulSetRolloutStatus(set({ replicas: 3, observedGeneration: 2, readyReplicas: 1 }, 0)).message).toBe('Waiting for 2 pods to be ready...');
    expect(statefulSetRolloutStatus(set({ replicas: 3, observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 }, 1))).toEqual({ message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...', done: false });
    expect(statefulSetRolloutStatus(set({ replicas: 3, observedGeneration: 2, readyReplicas: 3, updatedReplicas: 3 }, 0))).toEqual({ message: 'partitioned roll out complete: 3 new pods have been updated...', done: true });
  });

  it('compares revisions when there is no partition, and refuses OnDelete', () => {
    const rolling = set({ replicas: 3, observedGeneration: 2, readyReplicas: 3, updatedReplicas: 2, currentRevision: 'web-a', updateRevision: 'web-b' });
    expect(statefulSetRolloutStatus(rolling).message).toBe('waiting for statefulset rolling update to complete 2 pods at revision web-b...');
    const done = set({ replicas: 3, observedGeneration: 2, readyReplicas: 3, currentReplicas: 3, currentRevision: 'web-b', updateRevision: 'web-b' });
    expect(statefulSetRolloutStatus(done)).toEqual({ message: 'statefulset rolling update complete 3 pods at revision web-b...', done: true });
    const onDelete = { ...done, spec: { ...done.spec!, updateStrategy: { type: 'OnDelete' } } };
    expect(() => statefulSetRolloutStatus(onDelete)).toThrow('rollout status is only available for RollingUpdate strategy type');
  });
});
