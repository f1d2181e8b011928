import type { Deployment, DeploymentSpec, ReplicaSet, ReplicaSetSpec, StatefulSet, StatefulSetSpec } from 'kubernetes-types/apps/v1.d.ts';
import type { ConfigMap, Namespace, PersistentVolumeClaim, PersistentVolumeClaimSpec, Pod, PodSpec, Secret, Service, ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.d.ts';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.d.ts';
import type { SourceLocation } from '../errors.ts';

/** Metadata of a loaded object: the name is validated and the namespace defaulted. */
export type LoadedMeta = ObjectMeta & { name: string; namespace: string };

export type StatefulSetObject = StatefulSet & {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: LoadedMeta;
  spec: StatefulSetSpec;
};
export type ServiceObject = Service & { apiVersion: 'v1'; kind: 'Service'; metadata: LoadedMeta; spec: ServiceSpec };
export type ConfigMapObject = ConfigMap & { apiVersion: 'v1'; kind: 'ConfigMap'; metadata: LoadedMeta };
export type SecretObject = Secret & { apiVersion: 'v1'; kind: 'Secret'; metadata: LoadedMeta };
export type PodDisruptionBudgetObject = PodDisruptionBudget & {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: LoadedMeta;
  spec: PodDisruptionBudgetSpec;
};

export type DeploymentObject = Deployment & { apiVersion: 'apps/v1'; kind: 'Deployment'; metadata: LoadedMeta; spec: DeploymentSpec };
export type ReplicaSetObject = ReplicaSet & { apiVersion: 'apps/v1'; kind: 'ReplicaSet'; metadata: LoadedMeta; spec: ReplicaSetSpec };
export type PodObject = Pod & { apiVersion: 'v1'; kind: 'Pod'; metadata: LoadedMeta; spec: PodSpec };
export type PersistentVolumeClaimObject = PersistentVolumeClaim & {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: LoadedMeta;
  spec: PersistentVolumeClaimSpec;
};
/** Cluster-scoped: its metadata has no namespace. */
export type NamespaceObject = Namespace & { apiVersion: 'v1'; kind: 'Namespace'; metadata: LoadedMeta };

/** The objects emu applies, discriminated by `kind`. */
export type KubeObject =
  | StatefulSetObject
  | DeploymentObject
  | ReplicaSetObject
  | PodObject
  | ServiceObject
  | ConfigMapObject
  | SecretObject
  | PersistentVolumeClaimObject
  | NamespaceObject
  | PodDisruptionBudgetObject;
export type KubeKind = KubeObject['kind'];

/** A Kubernetes field emu accepted without emulating it; the CLI prints it as `Warning: …`. */
export interface ManifestWarning {
  location: SourceLocation;
  fieldPath: string;
  message: string;
}

/** One validated, defaulted object and where it came from. */
export interface LoadedManifest {
  object: KubeObject;
  /** Where the object starts (its first field). */
  source: SourceLocation;
  file: string;
  /** Fields of this object emu ignores, in document order. */
  warnings: ManifestWarning[];
}
