import { quote, type Field } from './field.ts';
import type { KubeKind } from './types.ts';
import { validatePersistentVolumeClaim } from './validate-claim.ts';
import { validateConfigMap } from './validate-configmap.ts';
import { validateDeployment } from './validate-deployment.ts';
import { validateNamespace } from './validate-namespace.ts';
import { validatePodDisruptionBudget } from './validate-pdb.ts';
import { validatePod } from './validate-pod.ts';
import { validateReplicaSet } from './validate-replicaset.ts';
import { validateSecret } from './validate-secret.ts';
import { validateService } from './validate-service.ts';
import { validateStatefulSet } from './validate-statefulset.ts';

/** The kinds emu applies, each with the only apiVersion that serves it. */
const KINDS: Record<KubeKind, { apiVersion: string; validate: (root: Field) => void }> = {
  StatefulSet: { apiVersion: 'apps/v1', validate: validateStatefulSet },
  Deployment: { apiVersion: 'apps/v1', validate: validateDeployment },
  ReplicaSet: { apiVersion: 'apps/v1', validate: validateReplicaSet },
  Pod: { apiVersion: 'v1', validate: validatePod },
  Service: { apiVersion: 'v1', validate: validateService },
  ConfigMap: { apiVersion: 'v1', validate: validateConfigMap },
  Secret: { apiVersion: 'v1', validate: validateSecret },
  PersistentVolumeClaim: { apiVersion: 'v1', validate: validatePersistentVolumeClaim },
  Namespace: { apiVersion: 'v1', validate: validateNamespace },
  PodDisruptionBudget: { apiVersion: 'policy/v1', validate: validatePodDisruptionBudget },
};

export function isManifestKind(kind: string): kind is KubeKind {
  return Object.hasOwn(KINDS, kind);
}

const SUPPORTED = `${Object.entries(KINDS).map(([kind, { apiVersion }]) => `${kind} (${apiVersion})`).join(', ')}, and List (v1) of those`;

/** Checks apiVersion and kind, then the whole object; throws the first problem found. */
export function validateObject(root: Field): KubeKind {
  const value = root.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    root.fail('a manifest document must be an object with apiVersion, kind and metadata');
  const kindField = root.field('kind');
  const kind = kindField.required(`set kind; supported: ${SUPPORTED}`).str()!;
  if (!Object.hasOwn(KINDS, kind)) {
    const near = Object.keys(KINDS).find((k) => k.toLowerCase() === kind.toLowerCase());
    if (near) kindField.fail(`unknown kind ${quote(kind)}; did you mean "${near}"?`);
    kindField.unsupported(`kind ${quote(kind)} is not supported by emu; supported kinds: ${SUPPORTED}`);
  }
  const { apiVersion, validate } = KINDS[kind as KubeKind];
  const versionField = root.field('apiVersion');
  const given = versionField.required(`set apiVersion: ${apiVersion}`).str();
  if (given !== apiVersion) versionField.fail(`${kind} is served by apiVersion "${apiVersion}", not ${quote(given!)}`);
  validate(root);
  return kind as KubeKind;
}
