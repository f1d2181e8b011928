/**
 * persistentVolumeClaimRetentionPolicy: which claims go away with their pods.
 * Retain (the default) keeps claims forever; Delete removes them when the ordinal
 * is scaled away (whenScaled) or when the set itself is deleted (whenDeleted).
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { readSpec, type PodView, type ReconcileAction } from './types.ts';

type DeleteClaims = Extract<ReconcileAction, { kind: 'delete-claims' }>;

const hasClaims = (set: StatefulSet) => (set.spec?.volumeClaimTemplates?.length ?? 0) > 0;

/**
 * whenScaled: Delete. `scaledDown` are ordinals whose pods were deleted for scale-down;
 * their claims go once the pod is gone (Kubernetes makes the pod own them), unless the
 * set has grown back over the ordinal meanwhile.
 */
export function claimsToDeleteAfterScaleDown(
  set: StatefulSet,
  pods: readonly PodView[],
  scaledDown: Iterable<number>,
): DeleteClaims[] {
  const spec = readSpec(set);
  if (spec.whenScaled !== 'Delete' || !hasClaims(set)) return [];
  const end = spec.ordinalStart + spec.replicas;
  const taken = new Set(pods.map((p) => p.ordinal));
  return [...new Set(scaledDown)]
    .filter((ordinal) => (ordinal < spec.ordinalStart || ordinal >= end) && !taken.has(ordinal))
    .sort((a, b) => a - b)
    .map((ordinal) => ({ kind: 'delete-claims', ordinal }));
}

/**
 * whenDeleted: Delete. Called by whoever deletes the set, after its pods are gone,
 * with every ordinal that has claims (retained scale-downs included — Kubernetes
 * makes the set own them all).
 */
export function claimsToDeleteWithSet(set: StatefulSet, claimOrdinals: Iterable<number>): DeleteClaims[] {
  if (readSpec(set).whenDeleted !== 'Delete' || !hasClaims(set)) return [];
  return [...new Set(claimOrdinals)].sort((a, b) => a - b).map((ordinal) => ({ kind: 'delete-claims', ordinal }));
}
