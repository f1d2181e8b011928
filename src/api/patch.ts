import jsonPatchLibrary from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, requestEntityTooLarge, unprocessableEntity } from './status.ts';
import { isObject, type JsonObject } from './json-value.ts';

/**
 * The three PATCH content types of the Kubernetes API, applied to plain JSON
 * objects, with the API server's errors:
 * - `application/merge-patch+json`: RFC 7386 (`jsonMergePatch`);
 * - `application/json-patch+json`: RFC 6902 (`jsonPatch`, via fast-json-patch);
 * - `application/strategic-merge-patch+json`: Kubernetes' strategic merge patch
 *   (`strategicMergePatch`, strategic-merge-patch.ts), driven by a per-kind table
 *   (patch-schema.ts);
 * - `application/apply-patch+yaml`: server-side apply (`serverSideApply`,
 *   server-side-apply.ts), which also keeps metadata.managedFields (`recordUpdate`
 *   does that for ordinary writes).
 */

export { strategicMergePatch } from './strategic-merge-patch.ts';
export { serverSideApply, recordUpdate } from './server-side-apply.ts';
export { shapeOf } from './patch-schema.ts';

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function jsonMergePatch<T>(target: T, patch: unknown): T {
  return mergePatchValue(target, patch) as T;
}

function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatchValue(result[key], value);
  }
  return result;
}

/** What the API server allows in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * RFC 6902. A body that is not a list of operations is 400; an operation that
 * cannot apply (missing path, failed test) is 422 with the API server's words.
 */
export function jsonPatch<T>(target: T, operations: unknown): T {
  if (!Array.isArray(operations)) throw badRequest(`json: cannot unmarshal ${goJsonType(operations)} into Go value of type jsonpatch.Patch`);
  const notObject = operations.find((op) => !isObject(op));
  if (notObject !== undefined) throw badRequest(`json: cannot unmarshal ${goJsonType(notObject)} into Go value of type jsonpatch.Operation`);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`);
  }
  try {
    return jsonPatchLibrary.applyPatch(structuredClone(target), operations as Operation[], true, true, true).newDocument;
  } catch (error) {
    throw unprocessableEntity(error);
  }
}

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
