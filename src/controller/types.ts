/**
 * The shapes the StatefulSet controller works with: what it observes about pods
 * (PodView), what it decides to do (ReconcileAction) and what it reports
 * (SetStatus), plus a typed reading of the (already defaulted) StatefulSet spec.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** One observed pod of a set, as the runtime reports it. */
export interface PodView {
  name: string;
  ordinal: number;
  /** ControllerRevision name the pod was created from (its controller-revision-hash label). */
  revision: string;
  phase: PodPhase;
  ready: boolean;
  /** When the pod last became ready; absent while not ready. If absent on a ready pod, the pod counts as available. */
  readySinceMs?: number;
  /** Deletion requested but the pod is not gone yet; the identity stays taken until it is. */
  terminating: boolean;
}

/** Why a pod is deleted. 'failed' covers Failed and Succeeded pods: Kubernetes recreates both. */
export type DeleteReason = 'scale-down' | 'update' | 'failed';

export type ReconcileAction =
  | { kind: 'create'; ordinal: number; revision: string }
  | { kind: 'delete'; name: string; ordinal: number; reason: DeleteReason }
  | { kind: 'delete-claims'; ordinal: number };

/** StatefulSetStatus minus observedGeneration (the caller's business), every field set. */
export interface SetStatus {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
}

/** The spec fields the controller reads, typed as the defaulting step guarantees them. */
export interface SetSpec {
  name: string;
  namespace: string;
  serviceName: string;
  replicas: number;
  ordinalStart: number;
  podManagementPolicy: 'OrderedReady' | 'Parallel';
  updateStrategy: 'RollingUpdate' | 'OnDelete';
  partition: number;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  whenScaled: 'Retain' | 'Delete';
  whenDeleted: 'Retain' | 'Delete';
}

/**
 * Reads a validated, defaulted StatefulSet. The fallbacks are Kubernetes' own
 * defaults, so a hand-built object in a test or bench behaves like an applied one.
 */
export function readSpec(set: StatefulSet): SetSpec {
  const spec = set.spec;
  const retention = spec?.persistentVolumeClaimRetentionPolicy;
  return {
    name: set.metadata?.name ?? '',
    namespace: set.metadata?.namespace ?? 'default',
    serviceName: spec?.serviceName ?? '',
    replicas: spec?.replicas ?? 1,
    ordinalStart: spec?.ordinals?.start ?? 0,
    podManagementPolicy: spec?.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    updateStrategy: spec?.updateStrategy?.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate',
    partition: spec?.updateStrategy?.rollingUpdate?.partition ?? 0,
    minReadySeconds: spec?.minReadySeconds ?? 0,
    revisionHistoryLimit: spec?.revisionHistoryLimit ?? 10,
    whenScaled: retention?.whenScaled === 'Delete' ? 'Delete' : 'Retain',
    whenDeleted: retention?.whenDeleted === 'Delete' ? 'Delete' : 'Retain',
  };
}

/** The key the controller files a set under: `<namespace>/<name>`. */
export function setKey(set: StatefulSet): string {
  const { namespace, name } = readSpec(set);
  return `${namespace}/${name}`;
}
