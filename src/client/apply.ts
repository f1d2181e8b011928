/**
 * `apply` as kubectl's client-side apply does it, on any KubeApi: create what
 * is missing (recording the applied configuration in the
 * kubectl.kubernetes.io/last-applied-configuration annotation); for what
 * exists, send a merge patch that sets every applied field and removes the
 * fields applied last time and no longer present — so changes others made
 * (a scale, a label) survive unless the file says otherwise. Everything is
 * checked with a dry run first: a refused update leaves nothing half-applied.
 */
import { isDeepStrictEqual } from 'node:util';
import { byKind, type ResourceType } from '../api/resources.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import type { KubeApi } from './kube-api.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface Applied {
  object: ApiObject;
  outcome: ApplyOutcome;
  /** kubectl's line: `statefulset.apps/web created`. */
  line: string;
}

/** Kinds that others refer to go first (namespaces, then config and claims, then services, then workloads). */
const ORDER = ['Namespace', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Service', 'PodDisruptionBudget'];

/** `statefulset.apps`, `service`: how kubectl names a kind in its messages. */
export function kindName(type: ResourceType): string {
  return type.group ? `${type.kind.toLowerCase()}.${type.group}` : type.kind.toLowerCase();
}

/**
 * `where` names the place an object came from (a manifest's file:line:col):
 * a refusal found by the dry run is then reported there, as a manifest error.
 */
export async function applyObjects(api: KubeApi, objects: readonly ApiObject[], where?: (object: ApiObject) => string): Promise<Applied[]> {
  const typed = objects.map((object) => {
    const type = byKind(object.kind, object.apiVersion);
    if (!type) throw new EmuError('MANIFEST_UNSUPPORTED', `the server doesn't have a resource type for kind "${object.kind}" in "${object.apiVersion}"`);
    return { object, type };
  });
  const rank = (kind: string) => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length);
  const sorted = [...typed].sort((a, b) => rank(a.object.kind) - rank(b.object.kind));
  // A namespace created by this same apply does not exist for the dry run yet.
  const creating = new Set(sorted.filter((t) => t.object.kind === 'Namespace').map((t) => t.object.metadata.name));
  for (const item of sorted) {
    if (creating.has(item.object.metadata.namespace ?? '')) continue;
    try {
      await applyOne(api, item.type, item.object, true);
    } catch (error) {
      if (where && error instanceof ApiError) throw new EmuError('MANIFEST_INVALID', `${where(item.object)}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const results = new Map<ApiObject, Applied>();
  for (const item of sorted) results.set(item.object, await applyOne(api, item.type, item.object, false));
  // Reported in the order the user wrote them, as kubectl does.
  return objects.map((o) => results.get(o)!);
}

async function applyOne(api: KubeApi, type: ResourceType, desired: ApiObject, dryRun: boolean): Promise<Applied> {
  const { namespace, name } = desired.metadata;
  const configuration = JSON.stringify(desired);
  const annotated = { ...desired, metadata: { ...desired.metadata, annotations: { ...desired.metadata.annotations, [LAST_APPLIED]: configuration } } };
  const live = await api.find(type, namespace, name);
  const line = (outcome: ApplyOutcome) => `${kindName(type)}/${name} ${outcome}`;
  if (!live) {
    const object = await api.create(type, annotated, { dryRun, fieldManager: 'kubectl-client-side-apply' });
    return { object, outcome: 'created', line: line('created') };
  }
  const previous = live.metadata.annotations?.[LAST_APPLIED];
  const patch = mergePatch(previous ? JSON.parse(previous) : {}, annotated);
  const object = await api.patch(type, namespace, name, patch, 'merge', { dryRun, fieldManager: 'kubectl-client-side-apply' });
  // What the user wrote is unchanged if nothing but status and server bookkeeping moved.
  const outcome = isDeepStrictEqual(userPart(object), userPart(live)) ? 'unchanged' : 'configured';
  return { object, outcome, line: line(outcome) };
}

function userPart(object: ApiObject): unknown {
  const { status: _status, metadata, ...rest } = object;
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = metadata;
  return { ...rest, metadata: meta };
}

/** The JSON merge patch from the last applied configuration to the new one (removed fields become null). */
export function mergePatch(last: unknown, desired: unknown): unknown {
  if (!isObject(desired)) return desired;
  const before = isObject(last) ? last : {};
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) patch[key] = isObject(value) && isObject(before[key]) ? mergePatch(before[key], value) : value;
  for (const key of Object.keys(before)) if (!(key in desired)) patch[key] = null;
  return patch;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
