/**
 * The side effects the StatefulSet controller asks for (Kubernetes' StatefulPodControl).
 * The runtime implements it with real namespaced processes; tests use FakePodControl.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { DeleteReason } from './types.ts';

export interface PodControl {
  /**
   * Creates pod `<set>-<ordinal>` at `revision` (see podIdentity); `set` carries that
   * revision's template, which may be older than the applied one (partitioned updates).
   * Creates its claims first if missing. Resolves once the pod exists (Pending is fine);
   * the runtime reports later phase/readiness changes via podChanged.
   */
  createPod(set: StatefulSet, ordinal: number, revision: string): Promise<void>;
  /** Starts graceful deletion; the pod reports `terminating` until it is gone. */
  deletePod(namespace: string, name: string, reason: DeleteReason): Promise<void>;
  /** Deletes the claims of one ordinal (claimName for every volumeClaimTemplate). */
  deleteClaims(set: StatefulSet, ordinal: number): Promise<void>;
}
