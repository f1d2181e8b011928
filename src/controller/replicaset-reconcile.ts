/**
 * One pass of the ReplicaSet controller as a pure function (Kubernetes'
 * pkg/controller/replicaset): from a ReplicaSet and the pods it owns, how many
 * pods to create, which to delete, and the status to report. Interchangeable
 * pods: no ordinals, no order, all created or deleted at once (up to a burst).
 */
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { labelSelectorFromSet, matchLabels } from '../api/selectors.ts';
import { isPodActive, isPodReady, msUntilPodAvailable, podReadySince, podRestarts } from './pod-conditions.ts';

/** At most this many creations or deletions in one pass (the controller's burstReplicas). */
export const BURST_REPLICAS = 500;

/** Lower costs go first on scale-down (the pod-deletion-cost annotation). */
export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

export interface ReplicaSetPlan<P extends Pod = Pod> {
  create: number;
  /** Pods to delete, in the order Kubernetes picks them. */
  delete: P[];
  status: ReplicaSetStatus;
  /** Look again then: a Ready pod becomes Available (minReadySeconds). */
  requeueAfterMs?: number;
}

export interface ReplicaSetFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

export function planReplicaSet<P extends Pod>(rs: ReplicaSet, pods: readonly P[], nowMs: number): ReplicaSetPlan<P> {
  const active = pods.filter(isPodActive);
  const want = rs.spec?.replicas ?? 1;
  const diff = active.length - want;
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const waits = active.map((p) => msUntilPodAvailable(p, minReady, nowMs)).filter((ms): ms is number => ms !== undefined && ms > 0);
  return {
    create: diff < 0 ? Math.min(-diff, BURST_REPLICAS) : 0,
    delete: diff > 0 ? podsToDelete(active, Math.min(diff, BURST_REPLICAS)) : [],
    status: replicaSetStatus(rs, pods, nowMs),
    requeueAfterMs: waits.length ? Math.min(...waits) : undefined,
  };
}

/**
 * The status from the pods as observed (before this pass acts): replicas,
 * fully labeled, ready and available; a ReplicaFailure condition while
 * creating or deleting fails.
 */
export function replicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], nowMs: number, failure?: ReplicaSetFailure, now = isoSeconds(nowMs)): ReplicaSetStatus {
  const active = pods.filter(isPodActive);
  const template = labelSelectorFromSet((rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const previous = (rs.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure');
  const conditions: ReplicaSetCondition[] = failure
    ? (previous.length ? previous : [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: now, reason: failure.reason, message: failure.message }])
    : [];
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => matchLabels(template, p.metadata?.labels as Record<string, string>)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => msUntilPodAvailable(p, minReady, nowMs) === 0).length,
    observedGeneration: rs.metadata?.generation,
    ...(conditions.length ? { conditions } : {}),
  };
}

/**
 * The `count` pods to delete first, Kubernetes' ranking (ActivePodsWithRanks,
 * on one node): unscheduled before scheduled, Pending before Running, not
 * ready before ready, lower deletion cost first, ready for a shorter time
 * first, more restarts first, newer first.
 */
export function podsToDelete<P extends Pod>(pods: readonly P[], count: number): P[] {
  return [...pods].sort(compareForDeletion).slice(0, count);
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function compareForDeletion(a: Pod, b: Pod): number {
  const scheduled = (p: Pod) => (p.spec?.nodeName ? 1 : 0);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  const cost = (p: Pod) => Number(p.metadata?.annotations?.[DELETION_COST_ANNOTATION] ?? 0) || 0;
  const created = (p: Pod) => (p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : Infinity);
  return (
    scheduled(a) - scheduled(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    cost(a) - cost(b) ||
    (ready(a) && ready(b) ? (podReadySince(b) ?? 0) - (podReadySince(a) ?? 0) : 0) ||
    podRestarts(b) - podRestarts(a) ||
    created(b) - created(a)
  );
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
