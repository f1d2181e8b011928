/**
 * Which fields of each Kubernetes 1.30 API type emu understands.
 *
 * - emulated: emu implements the field; its validator checks the value.
 * - ignored: a real Kubernetes field emu does not emulate; accepted with a
 *   warning (never silently), and its contents are not inspected.
 * - unsupported: a real field whose absence would change behaviour (e.g. a
 *   volume source emu cannot provide); rejected with MANIFEST_UNSUPPORTED.
 * A field in none of the lists is not part of the API: an unknown-field error,
 * like kubectl's strict validation. The lists were derived by hand from the
 * kubernetes-types 1.30 .d.ts files; keys are the Kubernetes type names.
 */
export interface FieldSet {
  emulated: readonly string[];
  ignored: readonly string[];
  unsupported?: readonly string[];
  /** Appended to the MANIFEST_UNSUPPORTED message: what to use instead. */
  unsupportedHint?: string;
}

const OBJECT_META_READONLY = [
  'creationTimestamp', 'deletionGracePeriodSeconds', 'deletionTimestamp', 'finalizers', 'generateName',
  'generation', 'managedFields', 'ownerReferences', 'resourceVersion', 'selfLink', 'uid',
];

export const FIELDS = {
  // Top-level objects. `status` is written by controllers, never by users.
  StatefulSet: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  Service: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  ConfigMap: { emulated: ['apiVersion', 'kind', 'metadata', 'data'], ignored: ['binaryData', 'immutable'] },
  Secret: { emulated: ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type'], ignored: ['immutable'] },
  PodDisruptionBudget: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  List: { emulated: ['apiVersion', 'kind', 'items'], ignored: ['metadata'] },
  Deployment: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  ReplicaSet: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  Pod: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  // A namespace's spec holds only finalizers, which the API server manages.
  Namespace: { emulated: ['apiVersion', 'kind', 'metadata'], ignored: ['spec', 'status'] },

  ObjectMeta: { emulated: ['name', 'namespace', 'labels', 'annotations'], ignored: OBJECT_META_READONLY },
  // The StatefulSet controller names pods and claims itself.
  PodTemplateMeta: { emulated: ['labels', 'annotations'], ignored: ['name', 'namespace', ...OBJECT_META_READONLY] },
  ClaimTemplateMeta: { emulated: ['name', 'labels', 'annotations'], ignored: ['namespace', ...OBJECT_META_READONLY] },

  StatefulSetSpec: {
    emulated: [
      'replicas', 'selector', 'serviceName', 'template', 'volumeClaimTemplates', 'podManagementPolicy',
      'updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy',
    ],
    ignored: [],
  },
  DeploymentSpec: {
    emulated: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
    ignored: [],
  },
  DeploymentStrategy: { emulated: ['type', 'rollingUpdate'], ignored: [] },
  RollingUpdateDeployment: { emulated: ['maxSurge', 'maxUnavailable'], ignored: [] },
  ReplicaSetSpec: { emulated: ['replicas', 'selector', 'template', 'minReadySeconds'], ignored: [] },
  StatefulSetUpdateStrategy: { emulated: ['type', 'rollingUpdate'], ignored: [] },
  RollingUpdateStatefulSetStrategy: { emulated: ['partition'], ignored: ['maxUnavailable'] },
  StatefulSetOrdinals: { emulated: ['start'], ignored: [] },
  StatefulSetPersistentVolumeClaimRetentionPolicy: { emulated: ['whenDeleted', 'whenScaled'], ignored: [] },
  LabelSelector: { emulated: ['matchLabels', 'matchExpressions'], ignored: [] },
  // The disruption controller keeps its status; evictions (kubectl drain) spend it (api/eviction.ts).
  PodDisruptionBudgetSpec: { emulated: ['selector', 'minAvailable', 'maxUnavailable', 'unhealthyPodEvictionPolicy'], ignored: [] },
  LabelSelectorRequirement: { emulated: ['key', 'operator', 'values'], ignored: [] },

  // Standalone claims and volumeClaimTemplates items. Access modes and size
  // requests are standard in every manifest; they are validated but have no
  // effect on a local directory, so they pass quietly.
  PersistentVolumeClaim: { emulated: ['apiVersion', 'kind', 'metadata', 'spec'], ignored: ['status'] },
  PersistentVolumeClaimSpec: {
    emulated: ['accessModes', 'resources', 'volumeMode'],
    ignored: ['selector', 'storageClassName', 'volumeAttributesClassName', 'volumeName'],
    unsupported: ['dataSource', 'dataSourceRef'],
    unsupportedHint: 'claims always start empty in emu',
  },
  VolumeResourceRequirements: { emulated: ['requests', 'limits'], ignored: [] },

  PodTemplateSpec: { emulated: ['metadata', 'spec'], ignored: [] },
  PodSpec: {
    // affinity: checked by validate-affinity.ts, which says what one node means for it.
    emulated: [
      'containers', 'initContainers', 'volumes', 'restartPolicy', 'terminationGracePeriodSeconds', 'securityContext',
      'shareProcessNamespace', 'hostUsers', 'affinity',
    ],
    ignored: [
      'activeDeadlineSeconds', 'automountServiceAccountToken', 'dnsConfig', 'dnsPolicy',
      'enableServiceLinks', 'ephemeralContainers', 'hostAliases', 'hostIPC', 'hostNetwork', 'hostPID',
      'hostname', 'imagePullSecrets', 'nodeName', 'nodeSelector', 'os', 'overhead', 'preemptionPolicy', 'priority',
      'priorityClassName', 'readinessGates', 'resourceClaims', 'runtimeClassName', 'schedulerName',
      'schedulingGates', 'serviceAccount', 'serviceAccountName', 'setHostnameAsFQDN',
      'subdomain', 'tolerations', 'topologySpreadConstraints',
    ],
  },
  PodSecurityContext: {
    emulated: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups'],
    ignored: ['appArmorProfile', 'fsGroupChangePolicy', 'seLinuxOptions', 'seccompProfile', 'sysctls', 'windowsOptions'],
  },
  SecurityContext: {
    emulated: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'capabilities', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation'],
    ignored: ['appArmorProfile', 'procMount', 'seLinuxOptions', 'seccompProfile', 'windowsOptions'],
  },
  Capabilities: { emulated: ['add', 'drop'], ignored: [] },
  Container: {
    emulated: [
      'name', 'image', 'command', 'args', 'workingDir', 'env', 'envFrom', 'ports', 'volumeMounts',
      'readinessProbe', 'livenessProbe', 'startupProbe', 'imagePullPolicy', 'securityContext',
      'stdin', 'stdinOnce', 'tty',
    ],
    ignored: [
      'lifecycle', 'resizePolicy', 'resources', 'restartPolicy',
      'terminationMessagePath', 'terminationMessagePolicy',
    ],
    unsupported: ['volumeDevices'],
    unsupportedHint: 'emu has no block devices',
  },
  ContainerPort: { emulated: ['containerPort', 'name', 'protocol'], ignored: ['hostIP', 'hostPort'] },
  VolumeMount: {
    emulated: ['name', 'mountPath', 'subPath', 'readOnly'],
    ignored: ['mountPropagation', 'recursiveReadOnly'],
    unsupported: ['subPathExpr'],
    unsupportedHint: 'use subPath',
  },
  EnvVar: { emulated: ['name', 'value', 'valueFrom'], ignored: [] },
  EnvVarSource: {
    emulated: ['fieldRef', 'configMapKeyRef', 'secretKeyRef'],
    ignored: [],
    unsupported: ['resourceFieldRef'],
    unsupportedHint: 'emu does not emulate resource requests and limits',
  },
  ObjectFieldSelector: { emulated: ['fieldPath', 'apiVersion'], ignored: [] },
  ConfigMapKeySelector: { emulated: ['name', 'key', 'optional'], ignored: [] },
  SecretKeySelector: { emulated: ['name', 'key', 'optional'], ignored: [] },
  EnvFromSource: { emulated: ['configMapRef', 'secretRef', 'prefix'], ignored: [] },
  ConfigMapEnvSource: { emulated: ['name', 'optional'], ignored: [] },
  SecretEnvSource: { emulated: ['name', 'optional'], ignored: [] },

  Probe: {
    emulated: [
      'exec', 'tcpSocket', 'httpGet', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds',
      'successThreshold', 'failureThreshold',
    ],
    ignored: ['terminationGracePeriodSeconds'],
    unsupported: ['grpc'],
    unsupportedHint: 'use exec, tcpSocket or httpGet',
  },
  ExecAction: { emulated: ['command'], ignored: [] },
  TCPSocketAction: { emulated: ['port'], ignored: ['host'] },
  HTTPGetAction: { emulated: ['path', 'port', 'scheme', 'httpHeaders'], ignored: ['host'] },
  HTTPHeader: { emulated: ['name', 'value'], ignored: [] },

  Volume: {
    emulated: ['name', 'emptyDir', 'configMap', 'secret', 'persistentVolumeClaim'],
    ignored: [],
    unsupported: [
      'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'downwardAPI', 'ephemeral', 'fc',
      'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'iscsi', 'nfs',
      'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'storageos',
      'vsphereVolume',
    ],
    unsupportedHint: 'supported volume types: emptyDir, configMap, secret, persistentVolumeClaim',
  },
  EmptyDirVolumeSource: { emulated: [], ignored: ['medium', 'sizeLimit'] },
  ConfigMapVolumeSource: { emulated: ['name', 'items', 'defaultMode', 'optional'], ignored: [] },
  SecretVolumeSource: { emulated: ['secretName', 'items', 'defaultMode', 'optional'], ignored: [] },
  KeyToPath: { emulated: ['key', 'path', 'mode'], ignored: [] },
  PersistentVolumeClaimVolumeSource: { emulated: ['claimName'], ignored: ['readOnly'] },

  ServiceSpec: {
    emulated: ['ports', 'selector', 'clusterIP', 'type', 'publishNotReadyAddresses'],
    ignored: [
      'allocateLoadBalancerNodePorts', 'clusterIPs', 'externalIPs', 'externalName', 'externalTrafficPolicy',
      'healthCheckNodePort', 'internalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy', 'loadBalancerClass',
      'loadBalancerIP', 'loadBalancerSourceRanges', 'sessionAffinity', 'sessionAffinityConfig',
      'trafficDistribution',
    ],
  },
  ServicePort: { emulated: ['name', 'port', 'targetPort', 'protocol', 'nodePort'], ignored: ['appProtocol'] },
} satisfies Record<string, FieldSet>;

export type FieldSetName = keyof typeof FIELDS;
