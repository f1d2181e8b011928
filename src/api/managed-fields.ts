import { isObject, jsonEqual, type JsonObject } from './json-value.ts';
import type { FieldShape, ObjectShape } from './patch-schema.ts';

/**
 * Field sets as server-side apply tracks them (structured-merge-diff's fieldpath):
 * a path is a list of elements in FieldsV1 spelling — `f:spec` (a field),
 * `k:{"name":"nginx"}` (a list item by its key), `v:"a"` (a set member), `i:0`
 * (an index) — and a set of paths is what one manager owns. FieldsV1 is the
 * nested-object form stored in metadata.managedFields, with `.` marking a node
 * that is itself a member while it also has members below it.
 */

export type FieldPath = string[];

/** A set of paths; each path kept as its elements joined by a newline. */
export type FieldSet = Set<string>;

const SEPARATOR = '\n';

export function pathKey(path: FieldPath): string {
  return path.join(SEPARATOR);
}

export function pathOf(key: string): FieldPath {
  return key === '' ? [] : key.split(SEPARATOR);
}

/** Fields the API server never tracks for ownership (structured-merge-diff's stripMeta). */
const UNTRACKED_TOP = ['apiVersion', 'kind', 'status'];
const UNTRACKED_META = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName'];

/** The object without the fields nobody owns. */
export function trackedPart(object: object): JsonObject {
  const copy: JsonObject = { ...(object as JsonObject) };
  for (const key of UNTRACKED_TOP) delete copy[key];
  if (isObject(copy.metadata)) {
    const metadata: JsonObject = { ...copy.metadata };
    for (const key of UNTRACKED_META) delete metadata[key];
    if (Object.keys(metadata).length) copy.metadata = metadata;
    else delete copy.metadata;
  }
  return copy;
}

function keyElement(item: JsonObject, mergeKey: string): string {
  return `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
}

/** Every path the value sets: leaves, empty objects, list items by key, set members. */
export function fieldSetOf(object: object, shape: ObjectShape): FieldSet {
  const out: FieldSet = new Set();
  walkObject(trackedPart(object), shape, [], out);
  return out;
}

function walkObject(object: JsonObject, shape: ObjectShape, prefix: FieldPath, out: FieldSet): void {
  const entries = Object.entries(object).filter(([, value]) => value !== null && value !== undefined);
  if (entries.length === 0 && prefix.length > 0) out.add(pathKey(prefix));
  for (const [key, value] of entries) walkValue(value, shape[key], [...prefix, `f:${key}`], out);
}

function walkValue(value: unknown, field: FieldShape | undefined, path: FieldPath, out: FieldSet): void {
  if (field?.atomic) {
    out.add(pathKey(path));
    return;
  }
  if (isObject(value)) return walkObject(value, field?.of ?? {}, path, out);
  if (Array.isArray(value) && field?.strategy === 'merge' && value.length > 0) {
    for (const item of value) {
      if (isObject(item) && field.mergeKey && item[field.mergeKey] !== undefined) {
        const itemPath = [...path, keyElement(item, field.mergeKey)];
        out.add(pathKey(itemPath));
        walkObject(item, field.of ?? {}, itemPath, out);
      } else if (!isObject(item)) {
        out.add(pathKey([...path, `v:${JSON.stringify(item)}`]));
      }
    }
    return;
  }
  out.add(pathKey(path));
}

/** FieldsV1 (the stored form) from a set. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const members = new Set<JsonObject>();
  for (const key of [...set].sort()) {
    let node = root;
    for (const element of pathOf(key)) node = (node[element] ??= {}) as JsonObject;
    members.add(node);
  }
  const mark = (node: JsonObject): void => {
    for (const child of Object.values(node)) mark(child as JsonObject);
    if (members.has(node) && Object.keys(node).length > 0) node['.'] = {};
  };
  mark(root);
  return root;
}

/** A set from FieldsV1. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: FieldPath): void => {
    if (!isObject(node)) return;
    for (const [element, child] of Object.entries(node)) {
      if (element === '.') {
        out.add(pathKey(path));
      } else if (isObject(child) && Object.keys(child).length === 0) {
        out.add(pathKey([...path, element]));
      } else {
        walk(child, [...path, element]);
      }
    }
  };
  walk(fields, []);
  return out;
}

/** How Kubernetes prints a path in conflict messages: `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      const [kind, rest] = [element.slice(0, 2), element.slice(2)];
      if (kind === 'f:') return `.${rest}`;
      if (kind === 'i:') return `[${rest}]`;
      if (kind === 'v:') return `[=${rest}]`;
      const key = JSON.parse(rest) as JsonObject;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}

interface Found {
  found: boolean;
  value?: unknown;
}

function stepInto(container: unknown, element: string): { parent: unknown; at: string | number } | undefined {
  const [kind, rest] = [element.slice(0, 2), element.slice(2)];
  if (kind === 'f:') return isObject(container) ? { parent: container, at: rest } : undefined;
  if (!Array.isArray(container)) return undefined;
  let index = -1;
  if (kind === 'i:') index = Number(rest);
  if (kind === 'v:') index = container.findIndex((item) => jsonEqual(item, JSON.parse(rest)));
  if (kind === 'k:') {
    const key = JSON.parse(rest) as JsonObject;
    index = container.findIndex((item) => isObject(item) && Object.entries(key).every(([k, v]) => jsonEqual(item[k], v)));
  }
  return index >= 0 && index < container.length ? { parent: container, at: index } : undefined;
}

/** The value a path names in an object, if the object has it. */
export function valueAt(object: unknown, path: FieldPath): Found {
  let current = object;
  for (const element of path) {
    const step = stepInto(current, element);
    if (!step) return { found: false };
    const value = (step.parent as Record<string | number, unknown>)[step.at];
    if (value === undefined) return { found: false };
    current = value;
  }
  return { found: true, value: current };
}

/** Remove what a path names (a field, or a list item) from an object, in place. */
export function removeAt(object: unknown, path: FieldPath): void {
  let current = object;
  for (const element of path.slice(0, -1)) {
    const step = stepInto(current, element);
    if (!step) return;
    current = (step.parent as Record<string | number, unknown>)[step.at];
  }
  const last = stepInto(current, path[path.length - 1]);
  if (!last) return;
  if (Array.isArray(last.parent)) last.parent.splice(last.at as number, 1);
  else delete (last.parent as JsonObject)[last.at as string];
}

/** Whether `key` or anything below it is in the set. */
export function ownsAtOrBelow(set: FieldSet, key: string): boolean {
  if (set.has(key)) return true;
  const prefix = key + SEPARATOR;
  for (const member of set) if (member.startsWith(prefix)) return true;
  return false;
}
