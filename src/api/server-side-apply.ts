import type { ManagedFieldsEntry, StatusCause } from 'kubernetes-types/meta/v1.d.ts';
import { applyConflict, badRequest } from './status.ts';
import { isObject, jsonEqual, type JsonObject } from './json-value.ts';
import { shapeOf } from './patch-schema.ts';
import { strategicMergePatch } from './strategic-merge-patch.ts';
import { fieldSetOf, fromFieldsV1, ownsAtOrBelow, pathOf, pathString, removeAt, toFieldsV1, valueAt, type FieldSet } from './managed-fields.ts';

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`, as
 * `kubectl apply --server-side` sends it), and the managedFields bookkeeping of
 * ordinary writes. Enough of structured-merge-diff for kubectl and for people
 * learning apply: the object is created when missing; the applied fields are
 * merged in (maps by key, lists by their merge key, atomic lists whole); fields
 * this manager applied before and now leaves out are removed unless someone else
 * owns them; setting a field another manager owns to a different value is a 409
 * conflict unless `force`; metadata.managedFields holds each manager's fields in
 * FieldsV1 form.
 */

export interface ApplyOptions {
  /** `?fieldManager=` (kubectl sends `kubectl`). */
  manager: string;
  /** `?force=true`: take the conflicting fields over. */
  force?: boolean;
  /** A subresource the request went to (`status`, `scale`), if any. */
  subresource?: string;
  now?: Date;
}

export interface UpdateOptions {
  manager: string;
  /** The apiVersion the request used (`apps/v1`). */
  apiVersion: string;
  subresource?: string;
  now?: Date;
}

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { managedFields?: ManagedFieldsEntry[] };
}

interface Owner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  changed: boolean;
}

/** Kubernetes' manager identity: appliers without apiVersion, updaters with it; never the time. */
function identity(entry: ManagedFieldsEntry): string {
  return JSON.stringify([entry.manager ?? '', entry.operation ?? '', entry.operation === 'Apply' ? '' : entry.apiVersion ?? '', entry.subresource ?? '']);
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

function ownersOf(object: KubeObject): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const entry of object.metadata?.managedFields ?? []) owners.set(identity(entry), { entry, set: fromFieldsV1(entry.fieldsV1), changed: false });
  return owners;
}

function managedFieldsOf(owners: Map<string, Owner>): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const { entry, set, changed } of owners.values()) {
    if (set.size === 0) continue;
    entries.push(changed ? { ...entry, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(set) } : entry);
  }
  return entries;
}

function withManagedFields<T extends KubeObject>(object: T, owners: Map<string, Owner>): T {
  const managedFields = managedFieldsOf(owners);
  const metadata = { ...(object.metadata ?? {}) };
  if (managedFields.length) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

/** What a conflict names: `"kubectl-client-side-apply" using apps/v1`, or just `"other-applier"`. */
function managerText(entry: ManagedFieldsEntry): string {
  let text = JSON.stringify(entry.manager ?? '');
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Update' ? `${text} using ${entry.apiVersion}` : text;
}

function conflictMessage(conflicts: { entry: ManagedFieldsEntry; field: string }[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${managerText(conflicts[0].entry)}: ${conflicts[0].field}`;
  const byManager = new Map<string, string[]>();
  for (const { entry, field } of conflicts) byManager.set(managerText(entry), [...(byManager.get(managerText(entry)) ?? []), field]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) lines.push(`conflicts with ${manager}:`, ...byManager.get(manager)!.map((f) => `- ${f}`));
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** A path's last element names a list item or set member: owning it is presence, never a value. */
function isMembership(key: string): boolean {
  const path = pathOf(key);
  const last = path[path.length - 1] ?? '';
  return last.startsWith('k:') || last.startsWith('v:');
}

/** The annotation client-side apply (`kubectl apply` without --server-side) keeps. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The manager kubectl uses for server-side apply; the API server treats it specially. */
const KUBECTL = 'kubectl';

function lastAppliedOf(object: KubeObject): JsonObject | undefined {
  const text = (object.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API server lets `kubectl apply --server-side` take over, without conflicts,
 * the fields an earlier client-side apply set and nobody changed since: those in
 * the last-applied annotation whose live value is still the applied one
 * (fieldmanager's lastAppliedManager). Other managers get no such pass.
 */
function takenOverFromClientSideApply(live: KubeObject, manager: string, shape: ReturnType<typeof shapeOf>): Set<string> {
  const lastApplied = manager === KUBECTL ? lastAppliedOf(live) : undefined;
  if (!lastApplied) return new Set();
  const allowed = new Set<string>();
  for (const key of fieldSetOf(lastApplied, shape)) {
    const [then, now] = [valueAt(lastApplied, pathOf(key)), valueAt(live, pathOf(key))];
    if (now.found && (isMembership(key) || jsonEqual(then.value, now.value))) allowed.add(key);
  }
  return allowed;
}

/**
 * When kubectl applies server-side an object that client-side apply manages, the
 * API server rewrites the last-applied annotation to the new configuration, so
 * that a later client-side apply diffs against what was really applied
 * (fieldmanager's lastAppliedUpdater).
 */
function keepLastApplied(live: KubeObject, config: JsonObject, manager: string): JsonObject {
  if (manager !== KUBECTL || !lastAppliedOf(live)) return config;
  const metadata: JsonObject = isObject(config.metadata) ? config.metadata : {};
  const annotations: JsonObject = isObject(metadata.annotations) ? metadata.annotations : {};
  return { ...config, metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: JSON.stringify(config) } } };
}

/**
 * Apply `applied` (the whole configuration the manager wants) to `live` (or to
 * nothing: then it is created). Returns the resulting object with managedFields;
 * throws 409 Conflict with one cause per field another manager owns.
 */
export function serverSideApply<T extends KubeObject>(live: T | undefined, applied: unknown, options: ApplyOptions): T {
  if (!options.manager) throw badRequest('PATCH, application/apply-patch+yaml requests require a fieldManager');
  if (!isObject(applied)) throw badRequest('error decoding YAML: the apply configuration must be an object');
  const config: JsonObject = { ...applied };
  delete config.status; // the main resource's status is not applied (reset by the strategy)
  const shape = shapeOf(config.kind as string | undefined);
  const appliedSet = fieldSetOf(config, shape);
  const mine: ManagedFieldsEntry = { manager: options.manager, operation: 'Apply', apiVersion: String(config.apiVersion ?? ''), time: timestamp(options.now ?? new Date()) };
  if (options.subresource) mine.subresource = options.subresource;
  const myIdentity = identity(mine);

  if (!live) {
    const owners = new Map([[myIdentity, { entry: mine, set: appliedSet, changed: true }]]);
    return withManagedFields(config as unknown as T, owners);
  }

  const owners = ownersOf(live);
  const previous = owners.get(myIdentity)?.set ?? new Set<string>();
  const conflicts: { entry: ManagedFieldsEntry; key: string; field: string }[] = [];
  for (const [id, owner] of owners) {
    if (id === myIdentity) continue;
    for (const key of appliedSet) {
      if (!owner.set.has(key) || isMembership(key)) continue;
      const [want, have] = [valueAt(config, pathOf(key)), valueAt(live, pathOf(key))];
      if (have.found && !jsonEqual(want.value, have.value)) conflicts.push({ entry: owner.entry, key, field: pathString(pathOf(key)) });
    }
  }
  const allowed = options.force || conflicts.length === 0 ? new Set<string>() : takenOverFromClientSideApply(live, options.manager, shape);
  const unresolved = options.force ? [] : conflicts.filter(({ key }) => !allowed.has(key));
  if (unresolved.length) {
    const causes: StatusCause[] = unresolved.map(({ entry, field }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerText(entry)}`, field }));
    throw applyConflict(causes, conflictMessage(unresolved));
  }
  for (const { entry, key } of conflicts) {
    const owner = owners.get(identity(entry))!;
    owner.set.delete(key);
    owner.changed = true;
  }

  const merged = strategicMergePatch(live, withoutManagedFields(keepLastApplied(live, config, options.manager)), shape);
  const others = [...owners].filter(([id]) => id !== myIdentity).map(([, owner]) => owner.set);
  const dropped = [...previous].filter((key) => !ownsAtOrBelow(appliedSet, key) && !others.some((set) => ownsAtOrBelow(set, key)));
  // Shallowest first: a list item goes whole (its key fields are what finds it).
  for (const key of dropped.sort((a, b) => pathOf(a).length - pathOf(b).length)) removeAt(merged, pathOf(key));

  owners.set(myIdentity, { entry: mine, set: appliedSet, changed: true });
  return withManagedFields(merged, owners);
}

function withoutManagedFields(config: JsonObject): JsonObject {
  if (!isObject(config.metadata) || !('managedFields' in config.metadata)) return config;
  const { managedFields: _ignored, ...metadata } = config.metadata;
  return { ...config, metadata };
}

/**
 * Record an ordinary write (create, update, patch) in managedFields, as the API
 * server does for `?fieldManager=`: the manager takes every field whose value
 * it changed (from everyone else, without conflicts), and fields the object no
 * longer has leave every set.
 */
export function recordUpdate<T extends KubeObject>(previous: T | undefined, next: T, options: UpdateOptions): T {
  // A client that writes managedFields itself (kubectl's upgrade from client-side
  // to server-side apply does, with a JSON patch) gets exactly what it wrote.
  const written = next.metadata?.managedFields;
  if (written?.length && !jsonEqual(written, previous?.metadata?.managedFields)) return next;
  const shape = shapeOf(next.kind);
  const nextSet = fieldSetOf(next, shape);
  const changedKeys = [...nextSet].filter((key) => {
    if (!previous) return true;
    const before = valueAt(previous, pathOf(key));
    return !before.found || (!isMembership(key) && !jsonEqual(before.value, valueAt(next, pathOf(key)).value));
  });
  const changed = new Set(changedKeys);
  const owners = ownersOf(previous ?? next);
  const mine: ManagedFieldsEntry = { manager: options.manager, operation: 'Update', apiVersion: options.apiVersion, time: timestamp(options.now ?? new Date()) };
  if (options.subresource) mine.subresource = options.subresource;
  const myIdentity = identity(mine);
  for (const [id, owner] of owners) {
    for (const key of [...owner.set]) {
      if (!nextSet.has(key) || (id !== myIdentity && changed.has(key))) {
        owner.set.delete(key);
        owner.changed = true;
      }
    }
  }
  if (changed.size) {
    const set = owners.get(myIdentity)?.set ?? new Set<string>();
    for (const key of changed) set.add(key);
    owners.set(myIdentity, { entry: mine, set, changed: true });
  }
  return withManagedFields(next, owners);
}
