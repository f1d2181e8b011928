import { badRequest, unprocessableEntity } from './status.ts';
import { isObject, jsonEqual, normalizeOrder, type JsonObject } from './json-value.ts';
import type { FieldShape, ObjectShape } from './patch-schema.ts';

/**
 * Kubernetes' strategic merge patch (apimachinery's pkg/util/strategicpatch), as
 * kubectl apply, patch, label and annotate send it, with the API server's errors.
 */


const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** strategicpatch's own error texts; the API server answers them with these codes. */
const BAD_JSON_DOC = 'invalid JSON document';
const unprocessable = (message: string) => unprocessableEntity(new Error(message));

/**
 * Apply a strategic merge patch: maps merge, `null` deletes, lists with a merge
 * strategy merge item by item on their merge key (or as sets of scalars), other
 * lists are replaced. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
 */
export function strategicMergePatch<T>(original: T, patch: unknown, shape: ObjectShape): T {
  if (!isObject(patch) || !isObject(original)) throw badRequest(BAD_JSON_DOC);
  return mergeMap(structuredClone(original), structuredClone(patch), shape) as T;
}

function mergeMap(original: JsonObject, patch: JsonObject, shape: ObjectShape): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, shape);
    if (directive === 'delete') return {};
    throw badRequest(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, shape);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (value === null) {
      delete original[key];
    } else if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const listKey = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (!Array.isArray(value)) throw badRequest('invalid patch format of primitive list');
      const list = original[listKey];
      if (Array.isArray(list)) original[listKey] = list.filter((item) => !value.some((gone) => jsonEqual(gone, item)));
    } else {
      original[key] = mergeValue(original[key], value, shape[key]);
    }
  }
  return original;
}

/** Merge one field's value: recurse into maps and lists of the same type, else take the patch. */
function mergeValue(original: unknown, patch: unknown, field: FieldShape | undefined): unknown {
  if (isObject(patch)) return mergeMap(isObject(original) ? original : {}, patch, field?.of ?? {});
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, field);
  return patch;
}

/** `$retainKeys: [a, b]` clears every other key of the original map. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw badRequest('invalid patch format of retainKeys');
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.includes(key)) throw unprocessable("patch content doesn't match retainKeys list");
  }
  for (const key of Object.keys(original)) if (!keep.includes(key)) delete original[key];
}

/** `$setElementOrder/<list>`: merge that list now and order it as the directive says. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, shape: ObjectShape): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badRequest('invalid patch format of setElementOrder list');
    const listKey = key.slice(SET_ELEMENT_ORDER.length);
    if (!Object.hasOwn(original, listKey) && !Object.hasOwn(patch, listKey)) continue;
    const [live, change] = [original[listKey] ?? [], Object.hasOwn(patch, listKey) ? patch[listKey] : []];
    if (!Array.isArray(live) || !Array.isArray(change)) continue; // null deletes, or a type change: the plain merge decides
    original[listKey] = mergeList(live, change, shape[listKey], order);
    delete patch[listKey];
  }
}

function mergeList(original: unknown[], patch: unknown[], field: FieldShape | undefined, order?: unknown[]): unknown[] {
  if (field?.strategy !== 'merge') return patch.map((item) => mergeValue(undefined, item, field));
  if (original.length === 0 && patch.length === 0) return original;
  const items = [...original, ...patch];
  if (items.some(Array.isArray)) throw unprocessable('lists of lists are not supported');
  if (!items.some(isObject)) {
    const merged: unknown[] = [];
    for (const item of items) if (!merged.some((m) => jsonEqual(m, item))) merged.push(item);
    return normalizeOrder(merged, order ?? patch, original, (item) => item);
  }
  const mergeKey = field.mergeKey;
  if (!mergeKey || !items.every(isObject)) throw badRequest(`cannot merge lists without merge key for ${JSON.stringify(items)}`);
  const identity = (item: unknown) => (item as JsonObject)[mergeKey];
  let merged = [...(original as JsonObject[])];
  const changes: JsonObject[] = [];
  let replace = false;
  for (const element of patch as JsonObject[]) {
    if (!Object.hasOwn(element, DIRECTIVE)) {
      changes.push(element);
      continue;
    }
    const directive = element[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(element, mergeKey)) throw badRequest(noMergeKey(element, mergeKey));
      merged = merged.filter((item) => !jsonEqual(item[mergeKey], element[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badRequest(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(element)}`);
    }
  }
  if (replace) return changes.map((element) => mergeMap({}, element, field.of ?? {}));
  for (const element of changes) {
    if (!Object.hasOwn(element, mergeKey)) throw badRequest(noMergeKey(element, mergeKey));
    const at = merged.findIndex((item) => jsonEqual(item[mergeKey], element[mergeKey]));
    if (at >= 0) merged[at] = mergeMap(merged[at], element, field.of ?? {});
    else merged.push(mergeMap({}, element, field.of ?? {}));
  }
  return normalizeOrder(merged, order ?? changes, original, identity);
}

function noMergeKey(element: JsonObject, mergeKey: string): string {
  return `map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`;
}
