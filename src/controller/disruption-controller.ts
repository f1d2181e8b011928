/**
 * The disruption controller on the API, as Kubernetes runs it: each
 * PodDisruptionBudget's status (currentHealthy, desiredHealthy, expectedPods,
 * disruptionsAllowed and the DisruptionAllowed condition) follows the pods its
 * selector picks and the scale of the controllers that own them, so
 * `kubectl get pdb` shows ALLOWED DISRUPTIONS as a real cluster would and an
 * eviction can be judged against it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { labelSelectorFromObject, matchLabels } from '../api/selectors.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { ApiController, objectKey } from './api-controller.ts';
import { controllerOf } from './controller-ref.ts';
import { disruptionStatus } from './disruption-budget.ts';
import { isPodReady } from './pod-conditions.ts';
import type { SyncResult } from './work-queue.ts';

const BUDGETS = byKind('PodDisruptionBudget')!;
const PODS = byKind('Pod')!;
const SETS = byKind('StatefulSet')!;
const REPLICASETS = byKind('ReplicaSet')!;
const DEPLOYMENTS = byKind('Deployment')!;

type BudgetObject = PodDisruptionBudget & ApiObject;
type PodObject = Pod & ApiObject;

/** How long an evicted pod may take to be deleted before the budget stops counting it as disrupted. */
const DELETION_TIMEOUT_MS = 2 * 60_000;

export class DisruptionController extends ApiController {
  constructor(store: ApiStore, events: EventRecorder) {
    super(store, events, BUDGETS, 'controllermanager');
  }

  start(): void {
    this.watches.push(
      this.store.watch(BUDGETS, {}, (event) => {
        if (event.type !== 'DELETED') this.queue.add(objectKey(event.object));
      }),
      this.store.watch(PODS, {}, (event) => this.podChanged(event.object as PodObject)),
      // A scale change moves expectedPods.
      ...[SETS, REPLICASETS, DEPLOYMENTS].map((type) => this.store.watch(type, {}, (event) => this.queueNamespace(event.object.metadata.namespace!))),
    );
  }

  /** The budgets of the namespace that select this pod look again. */
  private podChanged(pod: PodObject): void {
    for (const budget of this.budgets(pod.metadata.namespace!)) {
      if (matchLabels(labelSelectorFromObject(budget.spec?.selector), pod.metadata.labels)) this.queue.add(objectKey(budget));
    }
  }

  private queueNamespace(namespace: string): void {
    for (const budget of this.budgets(namespace)) this.queue.add(objectKey(budget));
  }

  private budgets(namespace: string): BudgetObject[] {
    return this.store.list<BudgetObject>(BUDGETS, { namespace, unsorted: true }).items;
  }

  protected sync(key: string): SyncResult | void {
    const [namespace, name] = key.split('/');
    const budget = this.store.find<BudgetObject>(BUDGETS, namespace, name);
    if (!budget || budget.metadata.deletionTimestamp) return;
    const selector = labelSelectorFromObject(budget.spec?.selector);
    const pods = this.store.list<PodObject>(PODS, { namespace, unsorted: true }).items.filter((p) => matchLabels(selector, p.metadata.labels));
    if (pods.length === 0) this.event(budget, 'Normal', 'NoPods', 'No matching pods found');
    const disruptedPods = this.disruptedPods(budget, pods);
    const status = disruptionStatus({
      spec: budget.spec ?? {},
      pods: pods.map((p) => ({ ready: isPodReady(p), terminating: Boolean(p.metadata.deletionTimestamp) || p.metadata.name in disruptedPods })),
      expectedScale: this.expectedScale(namespace, pods),
      generation: budget.metadata.generation,
      disruptedPods,
      previous: budget.status,
      now: this.store.timestamp(),
    });
    const expiry = Math.min(...Object.values(disruptedPods).map((at) => Date.parse(at) + DELETION_TIMEOUT_MS));
    if (!isDeepStrictEqual(status, budget.status)) this.store.mutate<BudgetObject>(BUDGETS, namespace, name, (draft) => (draft.status = status), { subresource: 'status' });
    return Number.isFinite(expiry) ? { requeueAfterMs: Math.max(0, expiry - Date.now()) } : undefined;
  }

  /**
   * The evictions still under way: pods an eviction named (disruptedPods) that
   * are not yet being deleted. One not deleted within two minutes is dropped,
   * as Kubernetes does (the eviction's delete must have failed).
   */
  private disruptedPods(budget: BudgetObject, pods: readonly PodObject[]): Record<string, string> {
    const live = new Map(pods.map((p) => [p.metadata.name, p]));
    const now = Date.now();
    return Object.fromEntries(
      Object.entries(budget.status?.disruptedPods ?? {}).filter(([pod, at]) => {
        const current = live.get(pod);
        return current && !current.metadata.deletionTimestamp && Date.parse(at) + DELETION_TIMEOUT_MS > now;
      }),
    );
  }

  /**
   * The replicas the pods' controllers want, each controller once (a
   * Deployment's pods count its own replicas, not its ReplicaSets'); undefined
   * when a pod has none that has a scale.
   */
  private expectedScale(namespace: string, pods: readonly PodObject[]): number | undefined {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const owner = controllerOf(pod);
      const found = owner && this.scaleOf(namespace, owner.kind, owner.name, owner.uid);
      if (!found) return undefined;
      scales.set(found.uid, found.replicas);
    }
    return [...scales.values()].reduce((sum, n) => sum + n, 0);
  }

  private scaleOf(namespace: string, kind: string, name: string, uid: string): { uid: string; replicas: number } | undefined {
    if (kind === 'StatefulSet') {
      const set = this.store.find<StatefulSet & ApiObject>(SETS, namespace, name);
      return set?.metadata.uid === uid ? { uid, replicas: set.spec?.replicas ?? 1 } : undefined;
    }
    if (kind === 'ReplicaSet') {
      const rs = this.store.find<ReplicaSet & ApiObject>(REPLICASETS, namespace, name);
      if (rs?.metadata.uid !== uid) return undefined;
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment') {
        const deployment = this.store.find<Deployment & ApiObject>(DEPLOYMENTS, namespace, owner.name);
        if (deployment?.metadata.uid === owner.uid) return { uid: owner.uid, replicas: deployment.spec?.replicas ?? 1 };
      }
      return { uid, replicas: rs.spec?.replicas ?? 1 };
    }
    return undefined;
  }
}
