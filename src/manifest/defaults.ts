import type { Container, PodSpec, Probe } from 'kubernetes-types/core/v1.d.ts';
import type { DeploymentObject, KubeObject, PersistentVolumeClaimObject, ReplicaSetObject, SecretObject, ServiceObject, StatefulSetObject } from './types.ts';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, DEFAULT_ROLLING_STEP } from './validate-deployment.ts';

/**
 * What the Kubernetes 1.30 API server fills in when an object is created, so
 * the rest of emu reads one explicit value instead of re-deriving defaults.
 * Mutates and returns `object`, which must have passed validation.
 */
export function applyDefaults(object: KubeObject): KubeObject {
  if (object.kind === 'Namespace') delete (object.metadata as { namespace?: string }).namespace;
  else object.metadata.namespace ||= 'default';
  // The API server ignores status on create; controllers own it.
  delete (object as { status?: unknown }).status;
  switch (object.kind) {
    case 'StatefulSet':
      defaultStatefulSet(object);
      break;
    case 'Deployment':
      defaultDeployment(object);
      break;
    case 'ReplicaSet':
      defaultReplicaSet(object);
      break;
    case 'Pod':
      defaultPodSpec(object.spec);
      break;
    case 'PersistentVolumeClaim':
      defaultClaim(object);
      break;
    case 'Service':
      defaultService(object);
      break;
    case 'Secret':
      defaultSecret(object);
      break;
    case 'ConfigMap':
    case 'PodDisruptionBudget':
      break;
  }
  return object;
}

function defaultStatefulSet({ spec }: StatefulSetObject): void {
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.minReadySeconds ??= 0;
  spec.ordinals ??= {};
  spec.ordinals.start ??= 0;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  defaultPodSpec(spec.template.spec!);
}

function defaultDeployment({ spec }: DeploymentObject): void {
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= DEFAULT_ROLLING_STEP;
    spec.strategy.rollingUpdate.maxSurge ??= DEFAULT_ROLLING_STEP;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  defaultPodSpec(spec.template.spec!);
}

function defaultReplicaSet({ spec }: ReplicaSetObject): void {
  spec.replicas ??= 1;
  defaultPodSpec(spec.template!.spec!);
}

function defaultClaim({ spec }: PersistentVolumeClaimObject): void {
  spec.volumeMode ??= 'Filesystem';
}

export function defaultPodSpec(pod: PodSpec): void {
  pod.restartPolicy ??= 'Always';
  pod.terminationGracePeriodSeconds ??= 30;
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) defaultContainer(container);
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) volume.configMap.defaultMode ??= 0o644;
    if (volume.secret) volume.secret.defaultMode ??= 0o644;
  }
}

function defaultContainer(container: Container): void {
  for (const port of container.ports ?? []) port.protocol ??= 'TCP';
  for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe])
    if (probe) defaultProbe(probe);
}

function defaultProbe(probe: Probe): void {
  probe.initialDelaySeconds ??= 0;
  // The API server treats 0 like unset for these.
  probe.periodSeconds ||= 10;
  probe.timeoutSeconds ||= 1;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  if (probe.httpGet) {
    probe.httpGet.path ||= '/';
    probe.httpGet.scheme ||= 'HTTP';
  }
}

function defaultService({ spec }: ServiceObject): void {
  spec.type ??= 'ClusterIP';
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    // An unset targetPort means "the same as port"; 0 and "" count as unset.
    port.targetPort ||= port.port;
  }
}

/** Like the API server: stringData is write-only, merged into data as base64 (it wins on conflicts). */
function defaultSecret(secret: SecretObject): void {
  secret.type ||= 'Opaque';
  if (!secret.stringData) return;
  secret.data ??= {};
  for (const [key, value] of Object.entries(secret.stringData)) secret.data[key] = Buffer.from(value ?? '', 'utf8').toString('base64');
  delete secret.stringData;
}
