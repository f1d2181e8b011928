/**
 * `kubectl rollout status` on any KubeApi: kubectl's status viewers for
 * Deployments and StatefulSets (the same messages, the same notion of done),
 * and a wait that watches the object until its rollout is done.
 */
import type { Deployment, StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.d.ts';
import { byKind, type ResourceType } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import type { Progress } from '../util/progress.ts';
import type { KubeApi } from './kube-api.ts';

const SETS = byKind('StatefulSet')!;

export interface RolloutState {
  message: string;
  done: boolean;
}

/** kubectl's DeploymentStatusViewer. Throws when the rollout exceeded its progress deadline. */
export function deploymentRolloutStatus(d: Deployment): RolloutState {
  const name = d.metadata?.name;
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...', done: false };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new EmuError('TIMEOUT', `deployment "${name}" exceeded its progress deadline`);
  const want = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const waiting = (what: string) => ({ message: `Waiting for deployment "${name}" rollout to finish: ${what}...`, done: false });
  if (updated < want) return waiting(`${updated} out of ${want} new replicas have been updated`);
  if (total > updated) return waiting(`${total - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

/** kubectl's StatefulSetStatusViewer. Throws for OnDelete, whose rollout has no status. */
export function statefulSetRolloutStatus(set: StatefulSet): RolloutState {
  const spec = set.spec!;
  const status: Partial<StatefulSetStatus> = set.status ?? {};
  if (spec.updateStrategy?.type === 'OnDelete') throw new EmuError('USAGE', 'rollout status is only available for RollingUpdate strategy type');
  if (!status.observedGeneration || (set.metadata?.generation ?? 0) > status.observedGeneration) return { message: 'Waiting for statefulset spec update to be observed...', done: false };
  const want = spec.replicas ?? 1;
  if ((status.readyReplicas ?? 0) < want) return { message: `Waiting for ${want - (status.readyReplicas ?? 0)} pods to be ready...`, done: false };
  const partition = spec.updateStrategy?.rollingUpdate?.partition;
  if (partition !== undefined) {
    if ((status.updatedReplicas ?? 0) < want - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${status.updatedReplicas ?? 0} out of ${want - partition} new pods have been updated...`, done: false };
    }
    return { message: `partitioned roll out complete: ${status.updatedReplicas ?? 0} new pods have been updated...`, done: true };
  }
  if (status.updateRevision !== status.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}...`, done: false };
  }
  return { message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision}...`, done: true };
}

/** The status viewer for a kind kubectl can roll out. */
export function rolloutStatus(type: ResourceType, object: ApiObject): RolloutState {
  switch (type.kind) {
    case 'Deployment':
      return deploymentRolloutStatus(object as Deployment);
    case 'StatefulSet':
      return statefulSetRolloutStatus(object as StatefulSet);
    default:
      throw new EmuError('USAGE', `no status viewer has been implemented for ${type.kind}`);
  }
}

/**
 * Watches one object until `check` says done (returns true); `check` sees
 * every version, the current one first. A deletion is a NOT_FOUND error.
 */
export async function watchUntil(api: KubeApi, type: ResourceType, namespace: string, name: string, options: { timeoutMs: number; what: string }, check: (object: ApiObject) => boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let watch: { stop(): void } | undefined;
    let finished = false;
    const timer = setTimeout(() => finish(new EmuError('TIMEOUT', `timed out after ${options.timeoutMs / 1000}s waiting for ${options.what}`)), options.timeoutMs);
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      watch?.stop();
      if (error) reject(error);
      else resolve();
    };
    api
      .watch(type, { namespace, fieldSelector: `metadata.name=${name}` }, (event) => {
        if (finished || event.type === 'BOOKMARK' || event.type === 'ERROR') return;
        if (event.type === 'DELETED') return finish(new EmuError('NOT_FOUND', `${type.resource}.${type.group || ''}`.replace(/\.$/, '') + ` "${name}" not found`));
        try {
          if (check(event.object)) finish();
        } catch (error) {
          finish(error as Error);
        }
      })
      .then(
        (w) => {
          watch = w;
          if (finished) w.stop();
        },
        (error) => finish(error as Error),
      );
  });
}

/**
 * What `emu apply --wait` waits for in a StatefulSet (undefined when done):
 * stricter than kubectl's viewer, it also waits for exactly the wanted number
 * of pods and for the update to reach every pod from the partition up.
 */
export function statefulSetRolloutWait(set: StatefulSet): string | undefined {
  const spec = set.spec!;
  const status = set.status;
  const replicas = spec.replicas ?? 1;
  if (!status || (status.observedGeneration ?? 0) < (set.metadata?.generation ?? 0)) return 'Waiting for statefulset spec update to be observed...';
  if ((status.readyReplicas ?? 0) < replicas) return `Waiting for ${replicas - (status.readyReplicas ?? 0)} pods to be ready...`;
  if (status.replicas !== replicas) return `Waiting for ${Math.abs((status.replicas ?? 0) - replicas)} pods to be ${(status.replicas ?? 0) > replicas ? 'deleted' : 'created'}...`;
  if (spec.updateStrategy?.type === 'OnDelete') return undefined;
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const want = replicas - partition;
    if ((status.updatedReplicas ?? 0) < want) return `Waiting for partitioned roll out to finish: ${status.updatedReplicas ?? 0} out of ${want} new pods have been updated...`;
    return undefined;
  }
  if (status.updateRevision !== status.currentRevision) return `waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}...`;
  return undefined;
}

export async function waitForStatefulSet(api: KubeApi, namespace: string, name: string, options: { timeoutMs: number; progress?: Progress }): Promise<void> {
  await watchUntil(api, SETS, namespace, name, { timeoutMs: options.timeoutMs, what: `statefulset ${name} to be ready` }, (object) => {
    const set = object as StatefulSet & ApiObject;
    const waiting = statefulSetRolloutWait(set);
    options.progress?.update(`statefulset ${name}: ${set.status?.readyReplicas ?? 0}/${set.spec?.replicas ?? 1} ready${waiting ? ` — ${waiting}` : ''}`);
    return !waiting;
  });
  options.progress?.done();
}

/** Waits until the workload's rollout is done, showing kubectl's message as progress. */
export async function waitForRollout(api: KubeApi, type: ResourceType, namespace: string, name: string, options: { timeoutMs: number; progress?: Progress; onMessage?: (message: string) => void }): Promise<void> {
  let last = '';
  await watchUntil(api, type, namespace, name, { timeoutMs: options.timeoutMs, what: `${type.singular} ${name} to be ready` }, (object) => {
    const state = rolloutStatus(type, object);
    if (state.message !== last) options.onMessage?.(state.message);
    last = state.message;
    options.progress?.update(`${type.singular} ${name}: ${state.message}`);
    return state.done;
  });
  options.progress?.done();
}
