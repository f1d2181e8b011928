/** The manifest layer: Kubernetes YAML in, validated and defaulted objects out. */
export { formatWarning, loadManifests, parseManifestText } from './load.ts';
export type {
  ConfigMapObject,
  KubeKind,
  KubeObject,
  LoadedManifest,
  LoadedMeta,
  ManifestWarning,
  PodDisruptionBudgetObject,
  SecretObject,
  ServiceObject,
  StatefulSetObject,
} from './types.ts';
