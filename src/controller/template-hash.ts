/**
 * Hashes of pod templates, as Kubernetes' controller.ComputeHash names
 * ControllerRevisions and ReplicaSets: FNV-32a over the template, the decimal
 * digits of the hash mapped onto rand.SafeEncodeString's alphabet. Kubernetes
 * hashes a Go struct, where an absent field and an empty one (`resources: {}`)
 * are the same value; the JSON here is normalised the same way, so a template
 * that a client sends back (kubectl rollout undo) hashes as it did before.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.d.ts';

/** JSON with object keys sorted at every level, so equal templates serialize identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The value without nulls, empty objects and empty arrays (Go's zero values that JSON may or may not carry). */
export function withoutEmpties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpties);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value)
    .map(([k, v]) => [k, withoutEmpties(v)] as const)
    .filter(([, v]) => v !== null && v !== undefined && !(typeof v === 'object' && Object.keys(v).length === 0));
  return Object.fromEntries(entries);
}

/** Equal as Kubernetes compares templates (absent and empty alike). */
export function sameTemplate(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutEmpties(a ?? {})) === canonicalJson(withoutEmpties(b ?? {}));
}

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alikes, so no accidental words.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The template's hash; a collision count (a Deployment's status.collisionCount) is mixed in as 4 little-endian bytes. */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(withoutEmpties(template ?? {}))));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return [...String(hash)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}
