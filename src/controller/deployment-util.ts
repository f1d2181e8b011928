/**
 * Pure helpers of the Deployment controller (Kubernetes'
 * pkg/controller/deployment/util): the annotations it keeps on Deployments and
 * ReplicaSets, maxSurge/maxUnavailable with Kubernetes' rounding, replica
 * counts over ReplicaSets, and the Deployment's conditions.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.d.ts';
import { sameTemplate } from './template-hash.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** The label that tells a Deployment's ReplicaSets (and their pods) apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Annotations of a Deployment that are not copied to its ReplicaSets. */
export const ANNOTATIONS_NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);
/** How long the revision-history annotation may grow. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Condition types and reasons, as Kubernetes writes them. */
export const Reason = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  FailedCreate: 'ReplicaSetCreateError',
} as const;

export const replicasOf = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0;
export const desiredReplicas = (d: Deployment): number => d.spec?.replicas ?? 1;

/** Sum of spec.replicas. */
export function specReplicas(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** Sum of one status field. */
export function statusReplicas(sets: readonly (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return sets.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

/** ReplicaSets with pods wanted (spec.replicas > 0). */
export function activeSets<T extends ReplicaSet>(sets: readonly (T | undefined)[]): T[] {
  return sets.filter((rs): rs is T => rs !== undefined && replicasOf(rs) > 0);
}

/** intstr.GetScaledValueFromIntOrPercent: an integer as it is, "N%" of total rounded up or down. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value, 10);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down, and both 0 becomes unavailable 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const rolling = d.spec?.strategy?.rollingUpdate;
  const desired = desiredReplicas(d);
  const surge = scaledValue(rolling?.maxSurge ?? '25%', desired, true);
  const unavailable = scaledValue(rolling?.maxUnavailable ?? '25%', desired, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || desiredReplicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desiredReplicas(d));
}

/** The revision number a ReplicaSet carries (0 when it has none). */
export function revisionOf(rs: ReplicaSet): number {
  const value = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isSafeInteger(value) ? value : 0;
}

export function maxRevision(sets: readonly ReplicaSet[]): number {
  return Math.max(0, ...sets.map(revisionOf));
}

/** Templates equal but for the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined): PodTemplateSpec => {
    const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...labels } = (t?.metadata?.labels ?? {}) as Record<string, string>;
    return { ...t, metadata: { ...t?.metadata, labels } };
  };
  return sameTemplate(strip(a), strip(b));
}

/** Oldest first; the same creation second breaks ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** The rollout is done: every replica updated and available, and the controller has seen the latest spec. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return status.updatedReplicas === want && status.replicas === want && status.availableReplicas === want && (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** Some progress since the status `d` carries: more updated, ready or available pods, or fewer old ones. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldPods = (s: DeploymentStatus) => (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    oldPods(status) < oldPods(old) ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function getCondition(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: nothing changes for the same status and reason; the transition time stays while the status does. */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}
