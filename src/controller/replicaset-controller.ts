/**
 * The ReplicaSet controller on the API, as Kubernetes runs it: ReplicaSets and
 * pods come in through watches, each change queues a sync of the ReplicaSet
 * concerned; a sync claims the pods its selector picks (adopting orphans,
 * releasing pods that no longer match), creates pods named
 * `<replicaset>-<5 random>` from the template or deletes the ones Kubernetes
 * would delete first (gracefully, through the API), and writes the status.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { labelSelectorFromObject, matchLabels } from '../api/selectors.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { ApiController, objectKey, ReportedFailure } from './api-controller.ts';
import { claim, controllerOf, controllerRef } from './controller-ref.ts';
import { isPodActive } from './pod-conditions.ts';
import { planReplicaSet, replicaSetStatus, type ReplicaSetFailure } from './replicaset-reconcile.ts';
import type { SyncResult } from './work-queue.ts';

const REPLICASETS = byKind('ReplicaSet')!;
const PODS = byKind('Pod')!;

type ReplicaSetObject = ReplicaSet & ApiObject;
type PodObject = Pod & ApiObject;

export class ReplicaSetController extends ApiController {
  constructor(store: ApiStore, events: EventRecorder, now?: () => number) {
    super(store, events, REPLICASETS, 'replicaset-controller', now);
  }

  start(): void {
    this.watches.push(
      this.store.watch(REPLICASETS, {}, (event) => {
        if (event.type !== 'DELETED') this.queue.add(objectKey(event.object));
      }),
      this.store.watch(PODS, {}, (event) => this.podChanged(event.object as PodObject)),
    );
  }

  /** A pod's ReplicaSet looks again; an orphan is looked at by every ReplicaSet that might adopt it. */
  private podChanged(pod: PodObject): void {
    const namespace = pod.metadata.namespace!;
    const owner = controllerOf(pod);
    if (owner) {
      if (owner.kind === 'ReplicaSet') this.queue.add(`${namespace}/${owner.name}`);
      return;
    }
    if (pod.metadata.deletionTimestamp) return;
    for (const rs of this.store.list<ReplicaSetObject>(REPLICASETS, { namespace, unsorted: true }).items) {
      if (matchLabels(labelSelectorFromObject(rs.spec?.selector), pod.metadata.labels as Record<string, string>)) this.queue.add(objectKey(rs));
    }
  }

  protected sync(key: string): SyncResult | void {
    const [namespace, name] = key.split('/');
    const rs = this.store.find<ReplicaSetObject>(REPLICASETS, namespace, name);
    if (!rs) return;
    const selector = labelSelectorFromObject(rs.spec?.selector);
    const active = this.store.list<PodObject>(PODS, { namespace, unsorted: true }).items.filter(isPodActive);
    const claimed = claim(rs, active, (pod) => matchLabels(selector, pod.metadata.labels as Record<string, string>));
    for (const pod of claimed.adopt) this.setOwner(pod, rs, true);
    for (const pod of claimed.release) this.setOwner(pod, rs, false);
    const pods = [...claimed.owned, ...claimed.adopt];
    const plan = rs.metadata.deletionTimestamp ? { create: 0, delete: [] as PodObject[], requeueAfterMs: undefined } : planReplicaSet(rs, pods, this.now());
    let failure: ReplicaSetFailure | undefined;
    for (let i = 0; i < plan.create && !failure; i++) failure = this.createPod(rs);
    for (const pod of plan.delete) failure ??= this.deletePod(rs, pod);
    this.writeStatus(rs, pods, failure);
    if (failure) throw new ReportedFailure(failure.message);
    return { requeueAfterMs: plan.requeueAfterMs };
  }

  private createPod(rs: ReplicaSetObject): ReplicaSetFailure | undefined {
    const template = rs.spec!.template!;
    const pod: PodObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: structuredClone(template.spec!),
    };
    try {
      const created = this.store.create(PODS, pod);
      this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return undefined;
    } catch (error) {
      const message = `Error creating: ${(error as Error).message}`;
      this.event(rs, 'Warning', 'FailedCreate', message);
      return { reason: 'FailedCreate', message };
    }
  }

  private deletePod(rs: ReplicaSetObject, pod: PodObject): ReplicaSetFailure | undefined {
    try {
      this.store.delete(PODS, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
      this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      return undefined;
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return undefined;
      const message = `Error deleting: ${(error as Error).message}`;
      this.event(rs, 'Warning', 'FailedDelete', message);
      return { reason: 'FailedDelete', message };
    }
  }

  /** Adopt (add this ReplicaSet as the pod's controller) or release (remove it). */
  private setOwner(pod: PodObject, rs: ReplicaSetObject, adopt: boolean): void {
    this.store.mutate<PodObject>(PODS, pod.metadata.namespace, pod.metadata.name, (draft) => {
      const others = (draft.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid);
      draft.metadata.ownerReferences = adopt ? [...others, controllerRef(rs)] : others;
    });
  }

  private writeStatus(rs: ReplicaSetObject, pods: PodObject[], failure: ReplicaSetFailure | undefined): void {
    const status = replicaSetStatus(rs, pods, this.now(), failure);
    if (isDeepStrictEqual(status, rs.status)) return;
    this.store.mutate<ReplicaSetObject>(REPLICASETS, rs.metadata.namespace, rs.metadata.name, (draft) => (draft.status = status), { subresource: 'status' });
  }
}
