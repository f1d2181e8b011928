/**
 * `kubectl rollout history|undo|restart|pause|resume` on any KubeApi, as
 * kubectl does them client-side: a Deployment's revisions are its
 * ReplicaSets (the deployment.kubernetes.io/revision annotation), a
 * StatefulSet's its ControllerRevisions; undo writes an earlier revision's pod
 * template back into the workload (a JSON patch for a Deployment, the
 * revision's own strategic merge patch for a StatefulSet); restart stamps the
 * template with kubectl.kubernetes.io/restartedAt.
 */
import type { ControllerRevision, ReplicaSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.d.ts';
import type { LabelSelector } from 'kubernetes-types/meta/v1.d.ts';
import { byKind, type ResourceType } from '../api/resources.ts';
import { labelSelectorFromObject, labelSelectorString } from '../api/selectors.ts';
import type { ApiObject } from '../api/store.ts';
import { isControlledBy } from '../controller/controller-ref.ts';
import { ANNOTATIONS_NOT_COPIED, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, equalIgnoreHash, revisionOf } from '../controller/deployment-util.ts';
import { sameTemplate } from '../controller/template-hash.ts';
import { EmuError } from '../errors.ts';
import type { KubeApi } from './kube-api.ts';

const REPLICASETS = byKind('ReplicaSet')!;
const REVISIONS = byKind('ControllerRevision')!;

export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** One revision of a workload's pod template. */
export interface Revision {
  number: number;
  changeCause?: string;
  template: PodTemplateSpec;
  /** The ReplicaSet or ControllerRevision that holds it. */
  source: ApiObject;
}

/** A Deployment or StatefulSet, as far as rollouts read it. */
export type Workload = ApiObject & { spec?: { selector?: LabelSelector; template?: PodTemplateSpec; paused?: boolean } };

/** The workload's revisions, oldest first. */
export async function revisions(api: KubeApi, type: ResourceType, workload: Workload): Promise<Revision[]> {
  const labelSelector = labelSelectorString(labelSelectorFromObject(workload.spec?.selector));
  const namespace = workload.metadata.namespace;
  if (type.kind === 'Deployment') {
    const sets = (await api.list<ReplicaSet & ApiObject>(REPLICASETS, { namespace, labelSelector })).items.filter((rs) => isControlledBy(rs, workload));
    return sets
      .filter((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION] !== undefined)
      .map((rs) => ({ number: revisionOf(rs), changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION], template: rs.spec!.template!, source: rs }))
      .sort((a, b) => a.number - b.number);
  }
  if (type.kind === 'StatefulSet') {
    const history = (await api.list<ControllerRevision & ApiObject>(REVISIONS, { namespace, labelSelector })).items.filter((r) => isControlledBy(r, workload));
    return history.map((r) => ({ number: r.revision, changeCause: r.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION], template: revisionTemplate(r), source: r })).sort((a, b) => a.number - b.number);
  }
  throw new EmuError('USAGE', `no history viewer has been implemented for ${type.kind}`);
}

/** A ControllerRevision's template, without the patch directive it is stored with. */
function revisionTemplate(revision: ControllerRevision): PodTemplateSpec {
  const { $patch: _patch, ...template } = ((revision.data as { spec?: { template?: Record<string, unknown> } })?.spec?.template ?? {}) as Record<string, unknown>;
  return template as PodTemplateSpec;
}

/**
 * Roll back to `toRevision` (0: the one before the current). Returns what
 * kubectl prints after the object's name: `rolled back`, or why nothing was done.
 */
export async function undo(api: KubeApi, type: ResourceType, workload: Workload, toRevision: number): Promise<string> {
  const all = await revisions(api, type, workload);
  const target = toRevision === 0 ? all.at(-2) : all.find((r) => r.number === toRevision);
  if (!target) {
    if (toRevision > 0) throw new EmuError('NOT_FOUND', `unable to find specified revision ${toRevision} in history`);
    throw new EmuError('NOT_FOUND', type.kind === 'Deployment' ? `no rollout history found for deployment "${workload.metadata.name}"` : 'no last revision to roll back to');
  }
  const { namespace, name } = workload.metadata;
  if (type.kind === 'Deployment') {
    if (workload.spec?.paused) throw new EmuError('USAGE', "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    if (equalIgnoreHash(target.template, workload.spec?.template)) return `skipped rollback (current template already matches revision ${target.number})`;
    const template = structuredClone(target.template);
    delete (template.metadata?.labels as Record<string, string> | undefined)?.[POD_TEMPLATE_HASH_LABEL];
    // The Deployment keeps its own bookkeeping annotations and takes the revision's others.
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(workload.metadata.annotations ?? {})) if (ANNOTATIONS_NOT_COPIED.has(key)) annotations[key] = value;
    for (const [key, value] of Object.entries(target.source.metadata.annotations ?? {})) if (!ANNOTATIONS_NOT_COPIED.has(key)) annotations[key] = value;
    const patch = [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ];
    await api.patch(type, namespace, name, patch, 'json');
    return 'rolled back';
  }
  if (sameTemplate(target.template, workload.spec?.template)) return `skipped rollback (current template already matches revision ${target.number})`;
  await api.patch(type, namespace, name, target.source.data, 'strategic');
  return 'rolled back';
}

/** A new rollout of the same template: a restartedAt annotation on the pod template. */
export async function restart(api: KubeApi, type: ResourceType, workload: Workload, now: Date): Promise<void> {
  if (!['Deployment', 'StatefulSet'].includes(type.kind)) throw new EmuError('USAGE', `${type.resource} "${workload.metadata.name}" restarting is not supported`);
  if (workload.spec?.paused) throw new EmuError('USAGE', `can't restart paused deployment (run rollout resume first)`);
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  await api.patch(type, workload.metadata.namespace, workload.metadata.name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } } } } }, 'strategic');
}

/** Pause or resume a Deployment's rollouts; false when it already was. */
export async function setPaused(api: KubeApi, type: ResourceType, workload: Workload, paused: boolean): Promise<boolean> {
  if (type.kind !== 'Deployment') throw new EmuError('USAGE', `${type.resource} "${workload.metadata.name}" ${paused ? 'pausing' : 'resuming'} is not supported`);
  if (Boolean(workload.spec?.paused) === paused) return false;
  await api.patch(type, workload.metadata.namespace, workload.metadata.name, { spec: { paused } }, 'strategic');
  return true;
}
