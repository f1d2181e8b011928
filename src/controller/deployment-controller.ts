/**
 * The Deployment controller on the API, as Kubernetes runs it: Deployments,
 * their ReplicaSets and (for Recreate) their pods come in through watches;
 * each change queues a sync of the Deployment concerned. A sync claims the
 * ReplicaSets the selector picks, asks the pure planner (deployment-sync.ts)
 * what to write, and writes it: ReplicaSets created, scaled, annotated or
 * deleted, then the Deployment's revision annotation and status. The
 * ReplicaSet controller makes the pods.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { labelSelectorFromObject, matchLabels } from '../api/selectors.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { ApiController, objectKey, ReportedFailure } from './api-controller.ts';
import { claim, controllerOf, controllerRef } from './controller-ref.ts';
import { planDeployment, type DeploymentObject, type DeploymentPlan, type ReplicaSetObject } from './deployment-sync.ts';
import type { SyncResult } from './work-queue.ts';

const DEPLOYMENTS = byKind('Deployment')!;
const REPLICASETS = byKind('ReplicaSet')!;
const PODS = byKind('Pod')!;

type PodObject = Pod & ApiObject;

export class DeploymentController extends ApiController {
  constructor(store: ApiStore, events: EventRecorder, now?: () => number) {
    super(store, events, DEPLOYMENTS, 'deployment-controller', now);
  }

  start(): void {
    this.watches.push(
      this.store.watch(DEPLOYMENTS, {}, (event) => {
        if (event.type !== 'DELETED') this.queue.add(objectKey(event.object));
      }),
      this.store.watch(REPLICASETS, {}, (event) => this.replicaSetChanged(event.object as ReplicaSetObject)),
      this.store.watch(PODS, {}, (event) => {
        if (event.type === 'DELETED') this.podGone(event.object as PodObject);
      }),
    );
  }

  private replicaSetChanged(rs: ReplicaSetObject): void {
    const namespace = rs.metadata.namespace!;
    const owner = controllerOf(rs);
    if (owner) {
      if (owner.kind === 'Deployment') this.queue.add(`${namespace}/${owner.name}`);
      return;
    }
    for (const d of this.store.list<DeploymentObject>(DEPLOYMENTS, { namespace, unsorted: true }).items) {
      if (matchLabels(labelSelectorFromObject(d.spec?.selector), rs.metadata.labels as Record<string, string>)) this.queue.add(objectKey(d));
    }
  }

  /** A Recreate rollout waits for the old pods to be gone: each one gone is a reason to look again. */
  private podGone(pod: PodObject): void {
    const rsRef = controllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.store.find<ReplicaSetObject>(REPLICASETS, pod.metadata.namespace, rsRef.name);
    const owner = rs && controllerOf(rs);
    if (owner?.kind !== 'Deployment') return;
    const d = this.store.find<DeploymentObject>(DEPLOYMENTS, pod.metadata.namespace, owner.name);
    if (d?.spec?.strategy?.type === 'Recreate') this.queue.add(objectKey(d));
  }

  protected sync(key: string): SyncResult | void {
    const [namespace, name] = key.split('/');
    const deployment = this.store.find<DeploymentObject>(DEPLOYMENTS, namespace, name);
    if (!deployment) return;
    const replicaSets = this.claimReplicaSets(deployment);
    const owners = new Map(replicaSets.map((rs) => [rs.metadata.uid, rs.metadata.name]));
    const podsByReplicaSet = new Map<string, PodObject[]>(replicaSets.map((rs) => [rs.metadata.name, []]));
    for (const pod of this.store.list<PodObject>(PODS, { namespace, unsorted: true }).items) {
      const owner = owners.get(controllerOf(pod)?.uid);
      if (owner) podsByReplicaSet.get(owner)!.push(pod);
    }
    const plan = planDeployment({
      deployment,
      replicaSets,
      podsByReplicaSet,
      findReplicaSet: (n) => this.store.find<ReplicaSetObject>(REPLICASETS, namespace, n),
      nowMs: this.now(),
    });
    this.apply(deployment, plan);
    return { requeueAfterMs: plan.requeueAfterMs };
  }

  /** The ReplicaSets this Deployment owns, after adopting matching orphans and releasing what no longer matches. */
  private claimReplicaSets(deployment: DeploymentObject): ReplicaSetObject[] {
    const selector = labelSelectorFromObject(deployment.spec?.selector);
    const candidates = this.store.list<ReplicaSetObject>(REPLICASETS, { namespace: deployment.metadata.namespace, unsorted: true }).items;
    const claimed = claim(deployment, candidates, (rs) => matchLabels(selector, rs.metadata.labels as Record<string, string>));
    const setOwner = (rs: ReplicaSetObject, adopt: boolean) =>
      this.store.mutate<ReplicaSetObject>(REPLICASETS, rs.metadata.namespace, rs.metadata.name, (draft) => {
        const others = (draft.metadata.ownerReferences ?? []).filter((r) => r.uid !== deployment.metadata.uid);
        draft.metadata.ownerReferences = adopt ? [...others, controllerRef(deployment)] : others;
      });
    for (const rs of claimed.release) setOwner(rs, false);
    return [...claimed.owned, ...claimed.adopt.map((rs) => setOwner(rs, true))];
  }

  private apply(deployment: DeploymentObject, plan: DeploymentPlan): void {
    const { namespace, name } = deployment.metadata;
    for (const rs of plan.create) {
      try {
        this.store.create(REPLICASETS, rs);
      } catch (error) {
        const message = `Failed to create new replica set "${rs.metadata.name}": ${(error as Error).message}`;
        this.event(deployment, 'Warning', 'ReplicaSetCreateError', message);
        throw new ReportedFailure(message);
      }
    }
    for (const rs of plan.update) {
      this.store.mutate<ReplicaSetObject>(REPLICASETS, namespace, rs.metadata.name, (draft) => {
        draft.spec!.replicas = rs.spec!.replicas;
        draft.spec!.minReadySeconds = rs.spec!.minReadySeconds;
        draft.metadata.annotations = { ...rs.metadata.annotations };
      });
    }
    for (const rsName of plan.delete) {
      try {
        this.store.delete(REPLICASETS, namespace, rsName);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    if (plan.annotations) this.store.mutate<DeploymentObject>(DEPLOYMENTS, namespace, name, (draft) => (draft.metadata.annotations = plan.annotations));
    if (plan.status) this.store.mutate<DeploymentObject>(DEPLOYMENTS, namespace, name, (draft) => (draft.status = plan.status), { subresource: 'status' });
    for (const e of plan.events) this.event(deployment, e.type, e.reason, e.message);
  }
}
