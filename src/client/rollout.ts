/**
 * `kubectl rollout status` for a StatefulSet, on any KubeApi: done when the
 * controller has seen the latest spec, every replica is ready, and the update
 * has reached every pod from the partition up (or the revisions agree).
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import type { Progress } from '../util/progress.ts';
import type { KubeApi } from './kube-api.ts';

const SETS = byKind('StatefulSet')!;

/** undefined when done; otherwise what kubectl says it is waiting for. */
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

/** Waits (watching the set) until its rollout is done; reports progress as it goes. */
export async function waitForStatefulSet(api: KubeApi, namespace: string, name: string, options: { timeoutMs: number; progress?: Progress }): Promise<void> {
  const done = await new Promise<boolean>((resolve, reject) => {
    let watch: { stop(): void } | undefined;
    const timer = setTimeout(() => finish(new EmuError('TIMEOUT', `timed out after ${options.timeoutMs / 1000}s waiting for statefulset ${name} to be ready`)), options.timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      watch?.stop();
      if (error) reject(error);
      else resolve(true);
    };
    api
      .watch(SETS, { namespace, fieldSelector: `metadata.name=${name}` }, (event) => {
        if (event.type === 'DELETED') return finish(new EmuError('NOT_FOUND', `statefulsets.apps "${name}" not found`));
        const set = event.object as StatefulSet & ApiObject;
        const waiting = statefulSetRolloutWait(set);
        options.progress?.update(`statefulset ${name}: ${set.status?.readyReplicas ?? 0}/${set.spec?.replicas ?? 1} ready${waiting ? ` — ${waiting}` : ''}`);
        if (!waiting) finish();
      })
      .then((w) => (watch = w), (error) => finish(error as Error));
  });
  options.progress?.done();
  void done;
}
