/**
 * Connects the StatefulSet control loop to the API, as Kubernetes' informers
 * do: sets and pods come in through watches, each change queues a sync of the
 * set concerned; after a sync the set's status and its ControllerRevisions are
 * written back. Deleting a set lets go of it (the garbage collector removes
 * its pods) and deletes its claims under whenDeleted: Delete.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { ControllerRevision as ControllerRevisionObject } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { ApiPodControl } from './api-pod-control.ts';
import { claimName, parsePodName, REVISION_LABEL } from './pod-identity.ts';
import { claimsToDeleteWithSet } from './retention.ts';
import type { ControllerRevision } from './revision.ts';
import { StatefulSetController, type ControllerEvent } from './statefulset-controller.ts';
import { readSpec, setKey, type PodView, type SetStatus } from './types.ts';

const SETS = byKind('StatefulSet')!;
const PODS = byKind('Pod')!;
const REVISIONS = byKind('ControllerRevision')!;
const CLAIMS = byKind('PersistentVolumeClaim')!;

type SetObject = StatefulSet & ApiObject;

export class StatefulSetApiController {
  private readonly controller: StatefulSetController;
  private readonly podControl: ApiPodControl;
  private readonly watches: Watch[] = [];

  constructor(
    private readonly store: ApiStore,
    private readonly events: EventRecorder,
  ) {
    this.podControl = new ApiPodControl(store);
    this.controller = new StatefulSetController({
      podControl: this.podControl,
      listPods: (key) => this.podViews(key),
      recorder: (event) => this.record(event),
      afterSync: (set, status, revisions) => this.publish(set, status, revisions),
    });
  }

  start(): void {
    this.watches.push(
      this.store.watch(SETS, {}, (event) => {
        const set = event.object as SetObject;
        if (event.type === 'DELETED') void this.removed(set);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') this.controller.upsert(set, this.storedRevisions(set));
      }),
      this.store.watch(PODS, {}, (event) => {
        if (event.type === 'DELETED') this.views.delete(event.object.metadata.uid!);
        const owner = (event.object.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'StatefulSet');
        if (owner) this.controller.podChanged(`${event.object.metadata.namespace}/${owner.name}`);
      }),
    );
  }

  async stop(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    await this.controller.stop();
  }

  /** Resolves when no sync is running or queued. */
  idle(): Promise<void> {
    return this.controller.idle();
  }

  /**
   * The set's pods as the control loop sees them, read from the store at each
   * sync. A sync comes with nearly every pod change, so a pod's view is kept
   * until its resourceVersion changes (hundreds of pods: most are as they were).
   */
  private podViews(key: string): PodView[] {
    const [namespace, name] = key.split('/');
    const set = this.store.find<SetObject>(SETS, namespace, name);
    if (!set) return [];
    return this.store
      .list<Pod & ApiObject>(PODS, { namespace, unsorted: true })
      .items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid && r.controller))
      .flatMap((p) => {
        const seen = this.views.get(p.metadata.uid!);
        if (seen && seen.resourceVersion === p.metadata.resourceVersion) return seen.view ? [seen.view] : [];
        const view = podView(p);
        this.views.set(p.metadata.uid!, { resourceVersion: p.metadata.resourceVersion!, view });
        return view ? [view] : [];
      });
  }

  /** Pod views by pod uid, with the resourceVersion they were made from (see podViews). */
  private readonly views = new Map<string, { resourceVersion: string; view: PodView | undefined }>();

  private record(event: ControllerEvent): void {
    const [, namespace, name] = event.object.split('/');
    const set = this.store.find(SETS, namespace, name);
    if (set) this.events.record(set, { component: 'statefulset-controller' }, event.type, event.reason, event.message);
  }

  /** Status (with the generation the sync saw) and ControllerRevisions, written back to the API. */
  private publish(set: StatefulSet, status: SetStatus, revisions: readonly ControllerRevision[]): void {
    const { namespace, name } = readSpec(set);
    const current = this.store.find<SetObject>(SETS, namespace, name);
    if (!current || current.metadata.uid !== set.metadata?.uid) return;
    this.store.mutate<SetObject>(SETS, namespace, name, (draft) => {
      draft.status = { observedGeneration: set.metadata?.generation, ...status, collisionCount: 0 };
    }, { subresource: 'status' });
    this.syncRevisions(current, revisions);
  }

  private syncRevisions(set: SetObject, revisions: readonly ControllerRevision[]): void {
    const namespace = set.metadata.namespace!;
    const owned = this.ownedRevisions(set);
    for (const revision of revisions) {
      const existing = owned.find((r) => r.metadata.name === revision.name);
      if (!existing) {
        const object: ControllerRevisionObject & ApiObject = {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: {
            name: revision.name,
            namespace,
            labels: { ...set.spec?.selector?.matchLabels, 'controller.kubernetes.io/hash': revision.name.slice(set.metadata.name.length + 1) },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          data: { spec: { template: { ...revision.template, $patch: 'replace' } } },
          revision: revision.revision,
        };
        if (!this.store.find(REVISIONS, namespace, revision.name)) this.store.create(REVISIONS, object);
      } else if (existing.revision !== revision.revision) {
        this.store.mutate<ControllerRevisionObject & ApiObject>(REVISIONS, namespace, revision.name, (d) => (d.revision = revision.revision));
      }
    }
    for (const stale of owned) if (!revisions.some((r) => r.name === stale.metadata.name)) this.store.delete(REVISIONS, namespace, stale.metadata.name);
  }

  private ownedRevisions(set: SetObject): (ControllerRevisionObject & ApiObject)[] {
    return this.store
      .list<ControllerRevisionObject & ApiObject>(REVISIONS, { namespace: set.metadata.namespace })
      .items.filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === set.metadata.uid));
  }

  /** The revisions a restarted cluster finds in the API for a set. */
  private storedRevisions(set: SetObject): ControllerRevision[] {
    return this.ownedRevisions(set).map((r) => ({
      name: r.metadata.name,
      revision: r.revision,
      template: (() => {
        const { $patch: _patch, ...template } = ((r.data as { spec?: { template?: Record<string, unknown> } })?.spec?.template ?? {}) as Record<string, unknown>;
        return template;
      })(),
    }));
  }

  /** The set is gone: stop syncing it; its claims follow under whenDeleted: Delete. */
  private async removed(set: SetObject): Promise<void> {
    await this.controller.remove(setKey(set));
    const { namespace, name } = readSpec(set);
    const templates = (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata!.name!);
    const ordinals = this.store
      .list(CLAIMS, { namespace })
      .items.flatMap((c) => templates.flatMap((t) => {
        const prefix = claimName(t, name, 0).replace(/0$/, '');
        const rest = c.metadata.name.startsWith(prefix) ? c.metadata.name.slice(prefix.length) : '';
        return /^\d+$/.test(rest) ? [Number(rest)] : [];
      }));
    for (const action of claimsToDeleteWithSet(set, ordinals)) await this.podControl.deleteClaims(set, action.ordinal);
  }
}

/** A pod as the control loop sees it (undefined: its name has no ordinal, so it is not the set's to count). */
function podView(p: Pod & ApiObject): PodView | undefined {
  const parsed = parsePodName(p.metadata.name);
  if (!parsed) return undefined;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: p.metadata.name,
    ordinal: parsed.ordinal,
    revision: p.metadata.labels?.[REVISION_LABEL] ?? '',
    phase: (p.status?.phase ?? 'Pending') as PodView['phase'],
    ready: ready?.status === 'True',
    readySinceMs: ready?.status === 'True' && ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : undefined,
    terminating: Boolean(p.metadata.deletionTimestamp),
  };
}
