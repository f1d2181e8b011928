/**
 * Placeholder until the full patch module lands: JSON merge patch (RFC 7386) only.
 */
import { badRequest, ApiError } from './status.ts';

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = jsonMergePatch(out[key], value);
  }
  return out;
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return jsonMergePatch(target, patch);
}

export function jsonPatch(_target: unknown, _ops: unknown): unknown {
  throw new ApiError(415, 'UnsupportedMediaType', 'json patch is not supported yet');
}

export function serverSideApply(live: unknown, applied: unknown): unknown {
  if (!live) return applied;
  if (!applied) throw badRequest('empty apply');
  return jsonMergePatch(live, applied);
}
