import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { BURST_REPLICAS, DELETION_COST_ANNOTATION, planReplicaSet, replicaSetStatus } from '../../src/controller/replicaset-reconcile.ts';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function replicaSet(replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    metadata: { name: 'web-abc', namespace: 'default', generation: 4 },
    spec: { replicas, minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

interface PodOptions {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readySince?: string;
  scheduled?: boolean;
  created?: string;
  restarts?: number;
  cost?: number;
  deleting?: boolean;
  labels?: Record<string, string>;
}

function pod(name: string, o: PodOptions = {}): Pod {
  return {
    metadata: {
      name,
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
      labels: o.labels ?? { app: 'web', tier: 'front' },
      ...(o.cost !== undefined ? { annotations: { [DELETION_COST_ANNOTATION]: String(o.cost) } } : {}),
      ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:09:00Z' } : {}),
    },
    spec: { containers: [], ...(o.scheduled === false ? {} : { nodeName: 'emu' }) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: Boolean(o.readySince), restartCount: o.restarts ?? 0 }],
    },
  };
}

const ready = (name: string, extra: PodOptions = {}) => pod(name, { readySince: '2024-01-01T00:01:00Z', ...extra });

describe('ReplicaSet reconcile', () => {
  it('creates the missing pods, not counting terminating or finished ones, at most a burst at a time', () => {
    expect(planReplicaSet(replicaSet(3), [ready('a')], NOW).create).toBe(2);
    expect(planReplicaSet(replicaSet(2), [ready('a'), ready('b', { deleting: true }), pod('c', { phase: 'Failed' }), pod('d', { phase: 'Succeeded' })], NOW).create).toBe(1);
    expect(planReplicaSet(replicaSet(BURST_REPLICAS + 100), [], NOW).create).toBe(BURST_REPLICAS);
  });

  it("deletes in Kubernetes' order: unscheduled, pending, not ready, cheaper, ready more recently, more restarts, newer", () => {
    const pods = [
      ready('old-ready', { readySince: '2024-01-01T00:01:00Z' }),
      ready('recently-ready', { readySince: '2024-01-01T00:05:00Z' }),
      ready('restarted', { restarts: 4 }),
      ready('newer', { created: '2024-01-01T00:00:30Z' }),
      ready('expensive', { cost: 100, readySince: '2024-01-01T00:09:00Z' }),
      pod('not-ready'),
      pod('pending', { phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending', scheduled: false }),
    ];
    const order = planReplicaSet(replicaSet(0), pods, NOW).delete.map((p) => p.metadata!.name);
    expect(order).toEqual(['unscheduled', 'pending', 'not-ready', 'recently-ready', 'restarted', 'newer', 'old-ready', 'expensive']);
    expect(planReplicaSet(replicaSet(6), pods, NOW).delete.map((p) => p.metadata!.name)).toEqual(['unscheduled', 'pending']);
  });

  it('counts ready, available (after minReadySeconds) and fully labeled replicas, and asks to look again when one becomes available', () => {
    const pods = [
      ready('long', { readySince: '2024-01-01T00:00:00Z' }),
      ready('recent', { readySince: '2024-01-01T00:09:50Z' }),
      pod('starting'),
      ready('relabeled', { labels: { app: 'web' } }),
      ready('gone', { deleting: true }),
    ];
    const plan = planReplicaSet(replicaSet(4, 30), pods, NOW);
    expect(plan.status).toEqual({ replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 2, observedGeneration: 4 });
    expect(plan.requeueAfterMs).toBe(20_000);
    expect(planReplicaSet(replicaSet(4), pods, NOW).requeueAfterMs).toBeUndefined();
  });

  it('keeps a ReplicaFailure condition while creating fails, with its first time', () => {
    const failed = replicaSetStatus(replicaSet(1), [], NOW, { reason: 'FailedCreate', message: 'Error creating: namespace is terminating' });
    expect(failed.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2024-01-01T00:10:00Z', reason: 'FailedCreate', message: 'Error creating: namespace is terminating' }]);
    const again = replicaSetStatus({ ...replicaSet(1), status: failed }, [], NOW + 5000, { reason: 'FailedCreate', message: 'Error creating: other' });
    expect(again.conditions).toEqual(failed.conditions);
    expect(replicaSetStatus({ ...replicaSet(1), status: failed }, [], NOW).conditions).toBeUndefined();
  });
});
