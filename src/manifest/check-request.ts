/**
 * The manifest validators applied to an object that arrived over the API
 * (kubectl, client libraries): the same rules and messages as `emu apply`,
 * located by field path instead of file:line:col. Server-owned metadata and
 * status are not the client's to judge, so they are set aside first.
 */
import { applyDefaults } from './defaults.ts';
import { Field } from './field.ts';
import { withoutNulls } from './load.ts';
import { RequestSourceMap } from './locate.ts';
import type { KubeKind, KubeObject } from './types.ts';
import { isManifestKind, validateObject } from './validate.ts';

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'ownerReferences', 'finalizers', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];

export { isManifestKind };

/**
 * Throws a ManifestError (fieldPath + problem) for the first problem; returns
 * the warnings (fields accepted but not emulated) as `path: message` lines.
 */
export function validateRequestObject(object: { kind: string; metadata?: object }): string[] {
  if (!isManifestKind(object.kind)) return [];
  const copy = structuredClone(object) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  delete copy.status;
  if (copy.metadata) for (const field of SERVER_METADATA) delete copy.metadata[field];
  const warnings: { fieldPath: string; message: string }[] = [];
  validateObject(Field.root({ locator: new RequestSourceMap(), warnings: warnings as never }, withoutNulls(copy)));
  return warnings.map((w) => `${w.fieldPath}: ${w.message}`);
}

/** Kubernetes' defaults for a kind emu validates (others are returned as they are). */
export function defaultRequestObject<T extends { kind: string }>(object: T): T {
  if (!isManifestKind(object.kind)) return object;
  const status = (object as { status?: unknown }).status;
  const defaulted = applyDefaults(withoutNulls(object) as KubeObject) as unknown as T;
  if (status !== undefined) (defaulted as { status?: unknown }).status = status;
  return defaulted;
}

export type { KubeKind };
