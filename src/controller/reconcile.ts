/**
 * One pass of the StatefulSet control loop, as a pure function: from the set and
 * its observed pods, the next actions and the status. It follows Kubernetes'
 * stateful_set_control.go: replicas first (in ordinal order), then condemned pods
 * (highest ordinal first), then the rolling update (highest ordinal first). In
 * OrderedReady ("monotonic") mode each step stops the pass at the first pod that
 * is not yet Running, Ready and Available, and at most one pod is acted upon.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { claimsToDeleteAfterScaleDown } from './retention.ts';
import { readSpec, type PodView, type ReconcileAction, type SetSpec, type SetStatus } from './types.ts';

export interface ReconcileInput {
  set: StatefulSet;
  pods: readonly PodView[];
  currentRevision: string;
  updateRevision: string;
  nowMs: number;
  /** Ordinals whose pods this controller deleted for scale-down; see claimsToDeleteAfterScaleDown. */
  scaledDown?: readonly number[];
}

export interface ReconcileResult {
  actions: ReconcileAction[];
  status: SetStatus;
  /** Sync again after this long: a Ready pod becomes Available (minReadySeconds) then. */
  requeueAfterMs?: number;
}

const isRunningAndReady = (pod: PodView) => pod.phase === 'Running' && pod.ready;
const isHealthy = (pod: PodView) => isRunningAndReady(pod) && !pod.terminating;
// Kubernetes deletes and recreates Succeeded pods too: a container stopped by force
// (eviction, reboot) may well have exited 0.
const isFinished = (pod: PodView) => pod.phase === 'Failed' || pod.phase === 'Succeeded';

/** Milliseconds until a Running+Ready pod has been ready for minReadySeconds (0: available now). */
function msUntilAvailable(pod: PodView, spec: SetSpec, nowMs: number): number {
  if (spec.minReadySeconds === 0 || pod.readySinceMs === undefined) return 0;
  return Math.max(0, pod.readySinceMs + spec.minReadySeconds * 1000 - nowMs);
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { set, pods, currentRevision, updateRevision, nowMs } = input;
  const spec = readSpec(set);
  const monotonic = spec.podManagementPolicy === 'OrderedReady';
  const start = spec.ordinalStart;
  const end = start + spec.replicas; // exclusive
  const isAvailable = (pod: PodView) => isRunningAndReady(pod) && msUntilAvailable(pod, spec, nowMs) === 0;

  const replicas = new Map<number, PodView>();
  const condemned: PodView[] = [];
  for (const pod of pods) {
    if (pod.ordinal >= start && pod.ordinal < end) replicas.set(pod.ordinal, pod);
    else condemned.push(pod);
  }
  condemned.sort((a, b) => b.ordinal - a.ordinal);

  const status = computeStatus(spec, pods, currentRevision, updateRevision, isAvailable);
  const waits = pods
    .filter((p) => isRunningAndReady(p) && !isAvailable(p))
    .map((p) => msUntilAvailable(p, spec, nowMs));
  const requeueAfterMs = waits.length > 0 ? Math.min(...waits) : undefined;

  // Claims are not pods: deleting them never waits for the ordered pod work.
  const actions: ReconcileAction[] = claimsToDeleteAfterScaleDown(set, pods, input.scaledDown ?? []);
  const done = (): ReconcileResult => ({ actions, status, requeueAfterMs });

  // 1. Replicas, lowest ordinal first.
  for (let ordinal = start; ordinal < end; ordinal++) {
    const pod = replicas.get(ordinal);
    if (!pod) {
      // Pods below the partition stay at the current revision (RollingUpdate only).
      const revision =
        spec.updateStrategy === 'RollingUpdate' && ordinal < spec.partition ? currentRevision : updateRevision;
      actions.push({ kind: 'create', ordinal, revision });
      if (monotonic) return done();
      continue;
    }
    if (isFinished(pod)) {
      // Recreated on a later pass, once this incarnation is gone: one pod per identity.
      if (!pod.terminating) actions.push({ kind: 'delete', name: pod.name, ordinal, reason: 'failed' });
      replicas.set(ordinal, { ...pod, terminating: true });
      if (monotonic) return done();
      continue;
    }
    if (monotonic && (pod.terminating || !isAvailable(pod))) return done();
  }

  // 2. Condemned pods, highest ordinal first. In monotonic mode every replica is
  // Running, Ready and Available here; delete one pod and wait for it to be gone.
  // Only Kubernetes' "first unhealthy pod" (now: the lowest-ordinal unhealthy
  // condemned pod) may be deleted while unhealthy, so one broken pod cannot block scale-down.
  const firstUnhealthy = [...condemned].reverse().find((p) => !isHealthy(p));
  for (const pod of condemned) {
    if (pod.terminating) {
      if (monotonic) return done();
      continue;
    }
    if (monotonic && !isAvailable(pod) && pod !== firstUnhealthy) return done();
    actions.push({ kind: 'delete', name: pod.name, ordinal: pod.ordinal, reason: 'scale-down' });
    if (monotonic) return done();
  }

  // 3. Rolling update: OnDelete leaves replacing pods to the user.
  if (spec.updateStrategy === 'OnDelete') return done();
  for (let ordinal = end - 1; ordinal >= Math.max(start, spec.partition); ordinal--) {
    const pod = replicas.get(ordinal);
    if (!pod) return done(); // just created this pass: wait for it
    if (pod.revision !== updateRevision && !pod.terminating) {
      actions.push({ kind: 'delete', name: pod.name, ordinal, reason: 'update' });
      return done();
    }
    // Update one pod at a time: the next waits until this one is healthy again.
    if (!isHealthy(pod)) return done();
  }
  return done();
}

function computeStatus(
  spec: SetSpec,
  pods: readonly PodView[],
  currentRevision: string,
  updateRevision: string,
  isAvailable: (pod: PodView) => boolean,
): SetStatus {
  const status: SetStatus = {
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter(isAvailable).length,
    currentReplicas: pods.filter((p) => !p.terminating && p.revision === currentRevision).length,
    updatedReplicas: pods.filter((p) => !p.terminating && p.revision === updateRevision).length,
    currentRevision,
    updateRevision,
  };
  // Kubernetes' completeRollingUpdate: once every pod is updated and ready, the
  // update revision becomes the current one.
  if (
    spec.updateStrategy === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentRevision = updateRevision;
    status.currentReplicas = status.updatedReplicas;
  }
  return status;
}
