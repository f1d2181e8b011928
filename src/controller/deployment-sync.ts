/**
 * One sync of a Deployment as a pure function, after Kubernetes'
 * pkg/controller/deployment (sync.go, rolling.go, recreate.go, progress.go):
 * from the Deployment, the ReplicaSets it owns and their pods, the writes to
 * make — ReplicaSets to create (`<deployment>-<pod-template-hash>`), scale,
 * annotate or delete (revisionHistoryLimit), the Deployment's revision
 * annotation and status with its Available and Progressing conditions — and
 * the events to record. The steps run on working copies in Kubernetes' order,
 * so each sees what the previous one decided, exactly as the controller sees
 * its own API writes.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../api/store.ts';
import { controllerRef, isControlledBy } from './controller-ref.ts';
import {
  activeSets,
  ANNOTATIONS_NOT_COPIED,
  byCreation,
  DESIRED_REPLICAS_ANNOTATION,
  deploymentComplete,
  deploymentProgressing,
  desiredReplicas,
  equalIgnoreHash,
  getCondition,
  isRollingUpdate,
  MAX_REPLICAS_ANNOTATION,
  MAX_REVISION_HISTORY_CHARS,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  POD_TEMPLATE_HASH_LABEL,
  Reason,
  removeCondition,
  replicasOf,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  revisionOf,
  scaledValue,
  setCondition,
  specReplicas,
  statusReplicas,
} from './deployment-util.ts';
import { isoSeconds } from './replicaset-reconcile.ts';
import { canonicalJson, templateHash } from './template-hash.ts';

export type DeploymentObject = Deployment & ApiObject;
export type ReplicaSetObject = ReplicaSet & ApiObject;

export interface DeploymentSyncInput {
  deployment: DeploymentObject;
  /** The ReplicaSets the Deployment owns. */
  replicaSets: readonly ReplicaSetObject[];
  /** The pods of each owned ReplicaSet, by ReplicaSet name (Recreate waits for old ones to be gone). */
  podsByReplicaSet: ReadonlyMap<string, readonly Pod[]>;
  /** Any ReplicaSet of this name in the namespace: a new ReplicaSet's name may be taken (a hash collision). */
  findReplicaSet: (name: string) => ReplicaSetObject | undefined;
  nowMs: number;
}

export interface DeploymentEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface DeploymentPlan {
  create: ReplicaSetObject[];
  /** ReplicaSets whose spec.replicas, spec.minReadySeconds or annotations change (the whole new value). */
  update: ReplicaSetObject[];
  delete: string[];
  /** The Deployment's new annotations (the revision), when they change. */
  annotations?: Record<string, string>;
  /** The Deployment's new status, when it changes. */
  status?: DeploymentStatus;
  events: DeploymentEvent[];
  /** Sync again then (a progress deadline to check). */
  requeueAfterMs?: number;
}

export function planDeployment(input: DeploymentSyncInput): DeploymentPlan {
  return new DeploymentSync(input).run();
}

/** The new ReplicaSet's name is taken by another one: the collision count goes up and the sync starts over. */
class HashCollision extends Error {}

class DeploymentSync {
  private readonly d: DeploymentObject;
  private readonly status: DeploymentStatus;
  private readonly annotations: Record<string, string>;
  private readonly sets: ReplicaSetObject[];
  private readonly created: ReplicaSetObject[] = [];
  private readonly changed = new Set<ReplicaSetObject>();
  private readonly deleted: string[] = [];
  private readonly events: DeploymentEvent[] = [];
  private readonly now: string;
  private requeueAfterMs?: number;

  constructor(private readonly input: DeploymentSyncInput) {
    this.d = structuredClone(input.deployment) as DeploymentObject;
    this.status = structuredClone((input.deployment.status ?? {}) as DeploymentStatus);
    this.annotations = { ...(input.deployment.metadata.annotations ?? {}) } as Record<string, string>;
    this.sets = input.replicaSets.map((rs) => structuredClone(rs) as ReplicaSetObject);
    this.now = isoSeconds(input.nowMs);
  }

  run(): DeploymentPlan {
    try {
      if (this.d.metadata.deletionTimestamp) this.syncStatusOnly();
      else {
        this.checkPausedConditions();
        if (this.d.spec?.paused) this.sync();
        else if (this.isScalingEvent()) this.sync();
        else if (isRollingUpdate(this.d)) this.rolloutRolling();
        else this.rolloutRecreate();
      }
    } catch (error) {
      if (!(error instanceof HashCollision)) throw error;
      this.requeueAfterMs = 0;
    }
    return this.plan();
  }

  private plan(): DeploymentPlan {
    const before = this.input.deployment;
    const status = compact(this.status);
    return {
      create: this.created,
      update: [...this.changed].filter((rs) => !this.created.includes(rs)),
      delete: this.deleted,
      ...(canonicalJson(this.annotations) !== canonicalJson(before.metadata.annotations ?? {}) ? { annotations: this.annotations } : {}),
      ...(canonicalJson(status) !== canonicalJson(compact((before.status ?? {}) as DeploymentStatus)) ? { status } : {}),
      events: this.events,
      requeueAfterMs: this.requeueAfterMs,
    };
  }

  // ---- the sync paths ------------------------------------------------------

  /** Being deleted: only the status. */
  private syncStatusOnly(): void {
    const { newRS, old } = this.allReplicaSets(false);
    this.syncDeploymentStatus([...old, newRS], newRS);
  }

  /** Paused, or scaled: scale the ReplicaSets proportionally, no rollout. */
  private sync(): void {
    const { newRS, old } = this.allReplicaSets(false);
    this.scale(newRS, old);
    if (this.d.spec?.paused) this.cleanup(old);
    this.syncDeploymentStatus([...old, newRS], newRS);
  }

  private rolloutRolling(): void {
    const { newRS, old } = this.allReplicaSets(true);
    const all = [...old, newRS];
    if (this.reconcileNewReplicaSet(all, newRS!)) return this.syncRolloutStatus(all, newRS);
    if (this.reconcileOldReplicaSets(all, activeSets(old), newRS!)) return this.syncRolloutStatus(all, newRS);
    if (deploymentComplete(this.d, this.status)) this.cleanup(old);
    this.syncRolloutStatus(all, newRS);
  }

  /** Recreate: every old pod gone (not only scaled away) before the new ReplicaSet is scaled up. */
  private rolloutRecreate(): void {
    let { newRS, old } = this.allReplicaSets(false);
    let all = [...old, newRS];
    let scaledDown = false;
    for (const rs of activeSets(old)) scaledDown = this.scaleAndRecord(rs, 0) || scaledDown;
    if (scaledDown || this.oldPodsRunning(newRS, old)) return this.syncRolloutStatus(all, newRS);
    if (!newRS) {
      ({ newRS, old } = this.allReplicaSets(true));
      all = [...old, newRS];
    }
    this.scaleAndRecord(newRS!, desiredReplicas(this.d));
    if (deploymentComplete(this.d, this.status)) this.cleanup(old);
    this.syncRolloutStatus(all, newRS);
  }

  // ---- ReplicaSets -----------------------------------------------------------

  /** The ReplicaSet whose template is the Deployment's (the oldest, should there be several), and the others. */
  private allReplicaSets(createIfMissing: boolean): { newRS?: ReplicaSetObject; old: ReplicaSetObject[] } {
    const found = this.findNewReplicaSet();
    const old = this.sets.filter((rs) => rs !== found);
    return { newRS: this.newReplicaSet(found, old, createIfMissing), old };
  }

  private findNewReplicaSet(): ReplicaSetObject | undefined {
    return [...this.sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, this.d.spec?.template));
  }

  private newReplicaSet(existing: ReplicaSetObject | undefined, old: ReplicaSetObject[], createIfMissing: boolean): ReplicaSetObject | undefined {
    const newRevision = String(maxRevision(old) + 1);
    if (existing) {
      const annotated = this.setNewReplicaSetAnnotations(existing, newRevision, true);
      const minReady = this.d.spec?.minReadySeconds ?? 0;
      if (annotated || (existing.spec!.minReadySeconds ?? 0) !== minReady) {
        existing.spec!.minReadySeconds = minReady;
        this.changed.add(existing);
        return existing;
      }
      this.setDeploymentRevision(existing.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (this.hasProgressDeadline() && !getCondition(this.status, 'Progressing')) {
        setCondition(this.status, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`, this.now));
      }
      return existing;
    }
    if (!createIfMissing) return undefined;
    const rs = this.replicaSetFor(templateHash(this.d.spec?.template, this.status.collisionCount));
    rs.spec!.replicas = this.newReplicas([...old, rs], rs);
    this.setNewReplicaSetAnnotations(rs, newRevision, false);
    const taken = this.input.findReplicaSet(rs.metadata.name);
    if (taken && !(isControlledBy(taken, this.d) && equalIgnoreHash(taken.spec?.template, this.d.spec?.template))) {
      this.status.collisionCount = (this.status.collisionCount ?? 0) + 1;
      throw new HashCollision();
    }
    this.created.push(rs);
    this.sets.push(rs);
    if (replicasOf(rs) > 0) this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicasOf(rs)}`);
    this.setDeploymentRevision(newRevision);
    if (this.hasProgressDeadline()) {
      setCondition(this.status, newCondition('Progressing', 'True', Reason.NewReplicaSet, `Created new replica set "${rs.metadata.name}"`, this.now));
    }
    return rs;
  }

  /** `<deployment>-<hash>`: the template with the hash label, selected by the Deployment's selector plus that label. */
  private replicaSetFor(hash: string): ReplicaSetObject {
    const template = structuredClone(this.d.spec!.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(this.d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${this.d.metadata.name}-${hash}`,
        namespace: this.d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerRef(this.d)],
      },
      spec: { replicas: 0, minReadySeconds: this.d.spec?.minReadySeconds ?? 0, selector, template },
    };
  }

  /** NewRSNewReplicas: with RollingUpdate up to replicas + maxSurge pods in all; with Recreate all at once. */
  private newReplicas(all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject): number {
    const desired = desiredReplicas(this.d);
    if (!isRollingUpdate(this.d)) return desired;
    const surge = scaledValue(this.d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true);
    const current = specReplicas(all);
    const maxTotal = desired + surge;
    if (current >= maxTotal) return replicasOf(newRS);
    return replicasOf(newRS) + Math.min(maxTotal - current, desired - replicasOf(newRS));
  }

  private reconcileNewReplicaSet(all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject): boolean {
    const desired = desiredReplicas(this.d);
    if (replicasOf(newRS) === desired) return false;
    if (replicasOf(newRS) > desired) return this.scaleAndRecord(newRS, desired);
    return this.scaleAndRecord(newRS, this.newReplicas(all, newRS));
  }

  /** Scale old ReplicaSets down as far as maxUnavailable allows, unhealthy replicas first. */
  private reconcileOldReplicaSets(all: readonly (ReplicaSetObject | undefined)[], old: ReplicaSetObject[], newRS: ReplicaSetObject): boolean {
    if (specReplicas(old) === 0) return false;
    const minAvailable = desiredReplicas(this.d) - maxUnavailable(this.d);
    const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = this.cleanupUnhealthyReplicas(old, maxScaledDown);
    const scaled = this.scaleDownOldForRollingUpdate([...old, newRS], old);
    return cleaned + scaled > 0;
  }

  private cleanupUnhealthyReplicas(old: ReplicaSetObject[], maxCleanup: number): number {
    let total = 0;
    for (const rs of [...old].sort(byCreation)) {
      if (total >= maxCleanup) break;
      const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
      if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxCleanup - total, unhealthy);
      this.scaleAndRecord(rs, replicasOf(rs) - count);
      total += count;
    }
    return total;
  }

  private scaleDownOldForRollingUpdate(all: readonly ReplicaSetObject[], old: ReplicaSetObject[]): number {
    const minAvailable = desiredReplicas(this.d) - maxUnavailable(this.d);
    const available = statusReplicas(all, 'availableReplicas');
    if (available <= minAvailable) return 0;
    const toScaleDown = available - minAvailable;
    let total = 0;
    for (const rs of [...old].sort(byCreation)) {
      if (total >= toScaleDown) break;
      if (replicasOf(rs) === 0) continue;
      const count = Math.min(replicasOf(rs), toScaleDown - total);
      this.scaleAndRecord(rs, replicasOf(rs) - count);
      total += count;
    }
    return total;
  }

  /** Spec changed in scale only: spread the change over the active ReplicaSets in proportion to their size. */
  private scale(newRS: ReplicaSetObject | undefined, old: ReplicaSetObject[]): void {
    const desired = desiredReplicas(this.d);
    const single = this.activeOrLatest(newRS, old);
    if (single) {
      if (replicasOf(single) !== desired) this.scaleAndRecord(single, desired);
      return;
    }
    if (this.isSaturated(newRS)) {
      for (const rs of activeSets(old)) this.scaleAndRecord(rs, 0);
      return;
    }
    if (!isRollingUpdate(this.d)) return;
    const active = activeSets([...old, newRS]);
    const allowed = desired > 0 ? desired + maxSurge(this.d) : 0;
    const toAdd = allowed - specReplicas(active);
    const size = (rs: ReplicaSetObject) => replicasOf(rs);
    const created = (rs: ReplicaSetObject) => rs.metadata.creationTimestamp ?? '';
    // Scaling up, newer ReplicaSets of the same size first; scaling down, older ones first.
    if (toAdd > 0) active.sort((a, b) => size(b) - size(a) || created(b).localeCompare(created(a)));
    else if (toAdd < 0) active.sort((a, b) => size(b) - size(a) || created(a).localeCompare(created(b)));
    let added = 0;
    const sizes = new Map<ReplicaSetObject, number>();
    for (const rs of active) {
      const proportion = toAdd === 0 ? 0 : this.proportion(rs, toAdd, added);
      sizes.set(rs, replicasOf(rs) + proportion);
      added += proportion;
    }
    const operation = toAdd > 0 ? 'up' : 'down';
    active.forEach((rs, i) => {
      // Leftovers go to the largest ReplicaSet.
      if (i === 0 && toAdd !== 0) sizes.set(rs, Math.max(0, sizes.get(rs)! + toAdd - added));
      this.scaleReplicaSet(rs, sizes.get(rs)!, operation);
    });
  }

  /** GetReplicaSetProportion: this ReplicaSet's share of the replicas to add (or remove). */
  private proportion(rs: ReplicaSetObject, toAdd: number, added: number): number {
    if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    const fraction = this.fraction(rs);
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private fraction(rs: ReplicaSetObject): number {
    const desired = desiredReplicas(this.d);
    if (desired === 0) return -replicasOf(rs);
    const maxNow = desired + maxSurge(this.d);
    let maxBefore = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION]);
    if (!Number.isInteger(maxBefore) || maxBefore === 0) maxBefore = this.d.status?.replicas ?? 0;
    if (maxBefore === 0) return 0;
    return roundHalfAway((replicasOf(rs) * maxNow) / maxBefore) - replicasOf(rs);
  }

  private activeOrLatest(newRS: ReplicaSetObject | undefined, old: ReplicaSetObject[]): ReplicaSetObject | undefined {
    if (!newRS && old.length === 0) return undefined;
    const newestFirst = [...old].sort(byCreation).reverse();
    const active = activeSets([...newestFirst, newRS]);
    if (active.length === 0) return newRS ?? newestFirst[0];
    return active.length === 1 ? active[0] : undefined;
  }

  private isSaturated(rs: ReplicaSetObject | undefined): boolean {
    const desired = desiredReplicas(this.d);
    return Boolean(rs) && replicasOf(rs) === desired && Number(rs!.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION]) === desired && (rs!.status?.availableReplicas ?? 0) === desired;
  }

  /** A ReplicaSet still says another replica count was wanted: the Deployment was scaled. */
  private isScalingEvent(): boolean {
    const { newRS, old } = this.allReplicaSets(false);
    return activeSets([...old, newRS]).some((rs) => {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== desiredReplicas(this.d);
    });
  }

  private scaleAndRecord(rs: ReplicaSetObject, to: number): boolean {
    if (replicasOf(rs) === to) return false;
    return this.scaleReplicaSet(rs, to, replicasOf(rs) < to ? 'up' : 'down');
  }

  /** Sets replicas and the desired/max annotations; records ScalingReplicaSet when the size changes. */
  private scaleReplicaSet(rs: ReplicaSetObject, to: number, operation: 'up' | 'down'): boolean {
    const from = replicasOf(rs);
    const annotated = this.setReplicasAnnotations(rs);
    if (from === to && !annotated) return false;
    rs.spec!.replicas = to;
    this.changed.add(rs);
    if (from === to) return false;
    this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${from} to ${to}`);
    return true;
  }

  private setReplicasAnnotations(rs: ReplicaSetObject): boolean {
    const desired = String(desiredReplicas(this.d));
    const max = String(desiredReplicas(this.d) + maxSurge(this.d));
    const annotations = (rs.metadata.annotations ??= {});
    if (annotations[DESIRED_REPLICAS_ANNOTATION] === desired && annotations[MAX_REPLICAS_ANNOTATION] === max) return false;
    annotations[DESIRED_REPLICAS_ANNOTATION] = desired;
    annotations[MAX_REPLICAS_ANNOTATION] = max;
    return true;
  }

  /**
   * The new ReplicaSet carries the Deployment's annotations and the newest
   * revision; one that becomes new again (a rollback) keeps its earlier
   * revisions in revision-history.
   */
  private setNewReplicaSetAnnotations(rs: ReplicaSetObject, newRevision: string, exists: boolean): boolean {
    const annotations = (rs.metadata.annotations ??= {});
    let changed = false;
    for (const [key, value] of Object.entries(this.annotations)) {
      if (ANNOTATIONS_NOT_COPIED.has(key) || annotations[key] === value) continue;
      annotations[key] = value;
      changed = true;
    }
    const oldRevision = annotations[REVISION_ANNOTATION];
    const oldNumber = oldRevision === undefined ? 0 : Number(oldRevision);
    if (!Number.isSafeInteger(oldNumber)) return changed;
    if (oldNumber < Number(newRevision)) {
      annotations[REVISION_ANNOTATION] = newRevision;
      changed = true;
      if (oldRevision !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = appendHistory(annotations[REVISION_HISTORY_ANNOTATION], oldRevision);
    }
    if (!exists && this.setReplicasAnnotations(rs)) changed = true;
    return changed;
  }

  private setDeploymentRevision(revision: string): void {
    if (this.annotations[REVISION_ANNOTATION] !== revision) this.annotations[REVISION_ANNOTATION] = revision;
  }

  /** Old ReplicaSets beyond revisionHistoryLimit go, oldest revision first, once they have no pods. */
  private cleanup(old: ReplicaSetObject[]): void {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = old.filter((rs) => !rs.metadata.deletionTimestamp && !this.created.includes(rs));
    const excess = cleanable.length - limit;
    if (excess <= 0) return;
    const byRevision = cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      this.deleted.push(rs.metadata.name);
    }
  }

  private oldPodsRunning(newRS: ReplicaSetObject | undefined, old: readonly ReplicaSetObject[]): boolean {
    if (statusReplicas(old, 'replicas') > 0) return true;
    for (const [name, pods] of this.input.podsByReplicaSet) {
      if (name === newRS?.metadata.name) continue;
      if (pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) return true;
    }
    return false;
  }

  // ---- status --------------------------------------------------------------

  private checkPausedConditions(): void {
    if (!this.hasProgressDeadline()) return;
    const current = getCondition(this.status, 'Progressing');
    if (current?.reason === Reason.TimedOut) return;
    const pausedBefore = current?.reason === Reason.Paused;
    if (this.d.spec?.paused && !pausedBefore) setCondition(this.status, newCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', this.now));
    else if (!this.d.spec?.paused && pausedBefore) setCondition(this.status, newCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', this.now));
  }

  private calculateStatus(all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined): DeploymentStatus {
    const available = statusReplicas(all, 'availableReplicas');
    const status: DeploymentStatus = {
      observedGeneration: this.d.metadata.generation,
      replicas: statusReplicas(all, 'replicas'),
      updatedReplicas: statusReplicas([newRS], 'replicas'),
      readyReplicas: statusReplicas(all, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specReplicas(all) - available),
      collisionCount: this.status.collisionCount,
      conditions: [...(this.status.conditions ?? [])],
    };
    if (available >= desiredReplicas(this.d) - maxUnavailable(this.d)) {
      setCondition(status, newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', this.now));
    } else {
      setCondition(status, newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', this.now));
    }
    return status;
  }

  private syncDeploymentStatus(all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined): void {
    this.replaceStatus(this.calculateStatus(all, newRS));
  }

  /** The status with the Progressing condition: progressing, complete (NewReplicaSetAvailable), or timed out. */
  private syncRolloutStatus(all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined): void {
    const next = this.calculateStatus(all, newRS);
    if (!this.hasProgressDeadline()) removeCondition(next, 'Progressing');
    const current = getCondition(this.status, 'Progressing');
    const complete = next.replicas === next.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
    const rs = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${this.d.metadata.name}"`;
    if (this.hasProgressDeadline() && !complete) {
      if (deploymentComplete(this.d, next)) {
        setCondition(next, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, `${rs} has successfully progressed.`, this.now));
      } else if (deploymentProgressing(this.d, next)) {
        const condition = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, `${rs} is progressing.`, this.now);
        if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, 'Progressing');
        setCondition(next, condition);
      } else if (this.timedOut(next)) {
        setCondition(next, newCondition('Progressing', 'False', Reason.TimedOut, `${rs} has timed out progressing.`, this.now));
      }
    }
    const failure = [newRS, ...all].flatMap((set) => set?.status?.conditions?.filter((c) => c.type === 'ReplicaFailure') ?? [])[0];
    if (failure) setCondition(next, { type: 'ReplicaFailure', status: failure.status, lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime, reason: failure.reason, message: failure.message });
    else removeCondition(next, 'ReplicaFailure');
    this.requeueAfterMs = this.stuckRequeue(next);
    this.replaceStatus(next);
  }

  private timedOut(status: DeploymentStatus): boolean {
    const condition = getCondition(status, 'Progressing');
    if (!condition || condition.reason === Reason.NewReplicaSetAvailable) return false;
    if (condition.reason === Reason.TimedOut) return true;
    return Date.parse(condition.lastUpdateTime ?? this.now) + this.d.spec!.progressDeadlineSeconds! * 1000 < this.input.nowMs;
  }

  /** When to look again for a rollout that may get stuck: its progress deadline. */
  private stuckRequeue(next: DeploymentStatus): number | undefined {
    const current = getCondition(this.status, 'Progressing');
    if (!this.hasProgressDeadline() || !current || deploymentComplete(this.d, next) || current.reason === Reason.TimedOut) return undefined;
    const due = Date.parse(current.lastUpdateTime ?? this.now) + this.d.spec!.progressDeadlineSeconds! * 1000 - this.input.nowMs;
    return Math.max(1000, due);
  }

  private replaceStatus(next: DeploymentStatus): void {
    for (const key of Object.keys(this.status)) delete (this.status as Record<string, unknown>)[key];
    Object.assign(this.status, next);
  }

  private hasProgressDeadline(): boolean {
    const deadline = this.d.spec?.progressDeadlineSeconds;
    return deadline !== undefined && deadline !== 2147483647;
  }

  private event(type: DeploymentEvent['type'], reason: string, message: string): void {
    this.events.push({ type, reason, message });
  }
}

/** revision-history: earlier revisions, comma-separated, the oldest dropped beyond the length limit. */
function appendHistory(history: string | undefined, revision: string): string {
  const revisions = history ? history.split(',') : [];
  revisions.push(revision);
  while (revisions.join(',').length > MAX_REVISION_HISTORY_CHARS && revisions.length > 1) revisions.shift();
  return revisions.join(',');
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** The status as the API server serialises it: zero counts and empty lists left out (omitempty). */
function compact(status: DeploymentStatus): DeploymentStatus {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined && v !== 0 && !(Array.isArray(v) && v.length === 0))) as DeploymentStatus;
}
