import type { StatefulSet, StatefulSetSpec } from 'kubernetes-types/apps/v1.d.ts';
import type { ConfigMap, Secret, Service, ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.d.ts';
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

/** The objects emu applies, discriminated by `kind`. */
export type KubeObject = StatefulSetObject | ServiceObject | ConfigMapObject | SecretObject;
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
