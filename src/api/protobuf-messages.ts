/**
 * The protobuf messages of the Kubernetes objects emu accepts as protobuf
 * request bodies (kubectl 1.32 sends its generators' objects that way:
 * `kubectl create namespace|configmap|secret|service|serviceaccount|deployment|
 * poddisruptionbudget`, and DeleteOptions for `kubectl drain --disable-eviction`).
 * Field numbers and types follow the generated.proto files of kubernetes/api and
 * apimachinery (master after 1.36; numbers never change, fields only get added):
 * every message reachable from those kinds, so any such object a client builds
 * decodes, including fields newer than kubectl 1.32.
 *
 * One entry per message: field number → spec, where a spec is
 *
 *   'jsonName'               a string
 *   'jsonName TYPE'          TYPE: bool, int32, int64, bytes or a message below
 *   'jsonName []TYPE'        repeated
 *   'jsonName map<TYPE>'     map<string, TYPE> (repeated key/value entries on the wire)
 *   '...Message'             embedded (`json:",inline"`): its fields land in this object
 *
 * and `!` after the name keeps a zero value ("" / 0 / false) that arrives on the
 * wire. Without it a zero is dropped, as Go's `omitempty` drops it from the JSON
 * kubectl would have sent; with it the Go field is a pointer (sent only when set,
 * so a zero is meant: `replicas: 0`) or has no omitempty (always in the JSON).
 */

/** Field number → spec (see above). */
export type MessageSpec = Readonly<Record<number, string>>;

const CONTAINER: MessageSpec = {
  1: 'name!', 2: 'image', 3: 'command []string', 4: 'args []string', 5: 'workingDir', 6: 'ports []ContainerPort', 7: 'env []EnvVar',
  8: 'resources ResourceRequirements', 9: 'volumeMounts []VolumeMount', 10: 'livenessProbe Probe', 11: 'readinessProbe Probe',
  12: 'lifecycle Lifecycle', 13: 'terminationMessagePath', 14: 'imagePullPolicy', 15: 'securityContext SecurityContext', 16: 'stdin bool',
  17: 'stdinOnce bool', 18: 'tty bool', 19: 'envFrom []EnvFromSource', 20: 'terminationMessagePolicy', 21: 'volumeDevices []VolumeDevice',
  22: 'startupProbe Probe', 23: 'resizePolicy []ContainerResizePolicy', 24: 'restartPolicy!', 25: 'restartPolicyRules []ContainerRestartRule',
};

const POD_AFFINITY: MessageSpec = {
  1: 'requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
  2: 'preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
};

export const MESSAGES: Readonly<Record<string, MessageSpec>> = {
  // ---- Kubernetes' own well-known messages (apimachinery); protobuf.ts gives each its JSON form. ----
  Time: { 1: 'seconds! int64', 2: 'nanos! int32' },
  Quantity: { 1: 'string!' },
  IntOrString: { 1: 'type! int64', 2: 'intVal! int32', 3: 'strVal!' },
  FieldsV1: { 1: 'Raw! bytes' },
  // ---- meta/v1 ----
  ObjectMeta: {
    1: 'name', 2: 'generateName', 3: 'namespace', 4: 'selfLink', 5: 'uid', 6: 'resourceVersion', 7: 'generation int64', 8: 'creationTimestamp Time',
    9: 'deletionTimestamp Time', 10: 'deletionGracePeriodSeconds! int64', 11: 'labels map<string>', 12: 'annotations map<string>',
    13: 'ownerReferences []OwnerReference', 14: 'finalizers []string', 17: 'managedFields []ManagedFieldsEntry',
  },
  OwnerReference: { 1: 'kind!', 3: 'name!', 4: 'uid!', 5: 'apiVersion!', 6: 'controller! bool', 7: 'blockOwnerDeletion! bool' },
  ManagedFieldsEntry: { 1: 'manager', 2: 'operation', 3: 'apiVersion', 4: 'time Time', 6: 'fieldsType', 7: 'fieldsV1 FieldsV1', 8: 'subresource' },
  LabelSelector: { 1: 'matchLabels map<string>', 2: 'matchExpressions []LabelSelectorRequirement' },
  LabelSelectorRequirement: { 1: 'key!', 2: 'operator!', 3: 'values []string' },
  Condition: { 1: 'type!', 2: 'status!', 3: 'observedGeneration int64', 4: 'lastTransitionTime Time', 5: 'reason!', 6: 'message!' },
  DeleteOptions: {
    1: 'gracePeriodSeconds! int64', 2: 'preconditions Preconditions', 3: 'orphanDependents! bool', 4: 'propagationPolicy!', 5: 'dryRun []string',
    6: 'ignoreStoreReadErrorWithClusterBreakingPotential! bool',
  },
  Preconditions: { 1: 'uid!' },
  // ---- core/v1 objects ----
  Namespace: { 1: 'metadata ObjectMeta', 2: 'spec NamespaceSpec', 3: 'status NamespaceStatus' },
  NamespaceSpec: { 1: 'finalizers []string' },
  NamespaceStatus: { 1: 'phase', 2: 'conditions []NamespaceCondition' },
  NamespaceCondition: { 1: 'type!', 2: 'status!', 4: 'lastTransitionTime Time', 5: 'reason', 6: 'message' },
  ConfigMap: { 1: 'metadata ObjectMeta', 2: 'data map<string>', 3: 'binaryData map<bytes>', 4: 'immutable! bool' },
  Secret: { 1: 'metadata ObjectMeta', 2: 'data map<bytes>', 3: 'type', 4: 'stringData map<string>', 5: 'immutable! bool' },
  Service: { 1: 'metadata ObjectMeta', 2: 'spec ServiceSpec', 3: 'status ServiceStatus' },
  ServiceSpec: {
    1: 'ports []ServicePort', 2: 'selector map<string>', 3: 'clusterIP', 4: 'type', 5: 'externalIPs []string', 7: 'sessionAffinity',
    8: 'loadBalancerIP', 9: 'loadBalancerSourceRanges []string', 10: 'externalName', 11: 'externalTrafficPolicy', 12: 'healthCheckNodePort int32',
    13: 'publishNotReadyAddresses bool', 14: 'sessionAffinityConfig SessionAffinityConfig', 17: 'ipFamilyPolicy!', 18: 'clusterIPs []string',
    19: 'ipFamilies []string', 20: 'allocateLoadBalancerNodePorts! bool', 21: 'loadBalancerClass!', 22: 'internalTrafficPolicy!',
    23: 'trafficDistribution!',
  },
  ServicePort: { 1: 'name', 2: 'protocol', 3: 'port! int32', 4: 'targetPort IntOrString', 5: 'nodePort int32', 6: 'appProtocol!' },
  SessionAffinityConfig: { 1: 'clientIP ClientIPConfig' },
  ClientIPConfig: { 1: 'timeoutSeconds! int32' },
  ServiceStatus: { 1: 'loadBalancer LoadBalancerStatus', 2: 'conditions []Condition' },
  LoadBalancerStatus: { 1: 'ingress []LoadBalancerIngress' },
  LoadBalancerIngress: { 1: 'ip', 2: 'hostname', 3: 'ipMode!', 4: 'ports []PortStatus' },
  PortStatus: { 1: 'port! int32', 2: 'protocol!', 3: 'error!' },
  ServiceAccount: {
    1: 'metadata ObjectMeta', 2: 'secrets []ObjectReference', 3: 'imagePullSecrets []LocalObjectReference', 4: 'automountServiceAccountToken! bool',
  },
  ObjectReference: { 1: 'kind', 2: 'namespace', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: 'resourceVersion', 7: 'fieldPath' },
  LocalObjectReference: { 1: 'name' },
  // ---- Pod templates (core/v1) ----
  PodTemplateSpec: { 1: 'metadata ObjectMeta', 2: 'spec PodSpec' },
  PodSpec: {
    1: 'volumes []Volume', 2: 'containers []Container', 3: 'restartPolicy', 4: 'terminationGracePeriodSeconds! int64',
    5: 'activeDeadlineSeconds! int64', 6: 'dnsPolicy', 7: 'nodeSelector map<string>', 8: 'serviceAccountName', 9: 'serviceAccount', 10: 'nodeName',
    11: 'hostNetwork bool', 12: 'hostPID bool', 13: 'hostIPC bool', 14: 'securityContext PodSecurityContext',
    15: 'imagePullSecrets []LocalObjectReference', 16: 'hostname', 17: 'subdomain', 18: 'affinity Affinity', 19: 'schedulerName',
    20: 'initContainers []Container', 21: 'automountServiceAccountToken! bool', 22: 'tolerations []Toleration', 23: 'hostAliases []HostAlias',
    24: 'priorityClassName', 25: 'priority! int32', 26: 'dnsConfig PodDNSConfig', 27: 'shareProcessNamespace! bool',
    28: 'readinessGates []PodReadinessGate', 29: 'runtimeClassName!', 30: 'enableServiceLinks! bool', 31: 'preemptionPolicy!',
    32: 'overhead map<Quantity>', 33: 'topologySpreadConstraints []TopologySpreadConstraint', 34: 'ephemeralContainers []EphemeralContainer',
    35: 'setHostnameAsFQDN! bool', 36: 'os PodOS', 37: 'hostUsers! bool', 38: 'schedulingGates []PodSchedulingGate',
    39: 'resourceClaims []PodResourceClaim', 40: 'resources ResourceRequirements', 41: 'hostnameOverride!', 43: 'schedulingGroup PodSchedulingGroup',
    44: 'evictionResponders []EvictionResponder',
  },
  Container: CONTAINER,
  EphemeralContainerCommon: CONTAINER,
  ContainerPort: { 1: 'name', 2: 'hostPort int32', 3: 'containerPort! int32', 4: 'protocol', 5: 'hostIP' },
  EnvFromSource: { 1: 'prefix', 2: 'configMapRef ConfigMapEnvSource', 3: 'secretRef SecretEnvSource' },
  ConfigMapEnvSource: { 1: '...LocalObjectReference', 2: 'optional! bool' },
  SecretEnvSource: { 1: '...LocalObjectReference', 2: 'optional! bool' },
  EnvVar: { 1: 'name!', 2: 'value', 3: 'valueFrom EnvVarSource' },
  EnvVarSource: {
    1: 'fieldRef ObjectFieldSelector', 2: 'resourceFieldRef ResourceFieldSelector', 3: 'configMapKeyRef ConfigMapKeySelector',
    4: 'secretKeyRef SecretKeySelector', 5: 'fileKeyRef FileKeySelector',
  },
  ConfigMapKeySelector: { 1: '...LocalObjectReference', 2: 'key!', 3: 'optional! bool' },
  SecretKeySelector: { 1: '...LocalObjectReference', 2: 'key!', 3: 'optional! bool' },
  FileKeySelector: { 1: 'volumeName!', 2: 'path!', 3: 'key!', 4: 'optional! bool' },
  ResourceRequirements: { 1: 'limits map<Quantity>', 2: 'requests map<Quantity>', 3: 'claims []ResourceClaim' },
  ResourceClaim: { 1: 'name!', 2: 'request' },
  ContainerResizePolicy: { 1: 'resourceName!', 2: 'restartPolicy!' },
  ContainerRestartRule: { 1: 'action', 2: 'exitCodes ContainerRestartRuleOnExitCodes' },
  ContainerRestartRuleOnExitCodes: { 1: 'operator', 2: 'values []int32' },
  VolumeMount: {
    1: 'name!', 2: 'readOnly bool', 3: 'mountPath!', 4: 'subPath', 5: 'mountPropagation!', 6: 'subPathExpr', 7: 'recursiveReadOnly!',
    8: 'bindMountOptions []string',
  },
  VolumeDevice: { 1: 'name!', 2: 'devicePath!' },
  Probe: {
    1: '...ProbeHandler', 2: 'initialDelaySeconds int32', 3: 'timeoutSeconds int32', 4: 'periodSeconds int32', 5: 'successThreshold int32',
    6: 'failureThreshold int32', 7: 'terminationGracePeriodSeconds! int64',
  },
  ProbeHandler: { 1: 'exec ExecAction', 2: 'httpGet HTTPGetAction', 3: 'tcpSocket TCPSocketAction', 4: 'grpc GRPCAction' },
  ExecAction: { 1: 'command []string' },
  HTTPGetAction: { 1: 'path', 2: 'port IntOrString', 3: 'host', 4: 'scheme', 5: 'httpHeaders []HTTPHeader', 6: 'protocol!' },
  HTTPHeader: { 1: 'name!', 2: 'value!' },
  TCPSocketAction: { 1: 'port IntOrString', 2: 'host' },
  GRPCAction: { 1: 'port! int32', 2: 'service!', 3: 'mode!' },
  Lifecycle: { 1: 'postStart LifecycleHandler', 2: 'preStop LifecycleHandler', 3: 'stopSignal!' },
  LifecycleHandler: { 1: 'exec ExecAction', 2: 'httpGet HTTPGetAction', 3: 'tcpSocket TCPSocketAction', 4: 'sleep SleepAction' },
  SleepAction: { 1: 'seconds! int64' },
  SecurityContext: {
    1: 'capabilities Capabilities', 2: 'privileged! bool', 3: 'seLinuxOptions SELinuxOptions', 4: 'runAsUser! int64', 5: 'runAsNonRoot! bool',
    6: 'readOnlyRootFilesystem! bool', 7: 'allowPrivilegeEscalation! bool', 8: 'runAsGroup! int64', 9: 'procMount!',
    10: 'windowsOptions WindowsSecurityContextOptions', 11: 'seccompProfile SeccompProfile', 12: 'appArmorProfile AppArmorProfile',
  },
  Capabilities: { 1: 'add []string', 2: 'drop []string' },
  SELinuxOptions: { 1: 'user', 2: 'role', 3: 'type', 4: 'level' },
  WindowsSecurityContextOptions: { 1: 'gmsaCredentialSpecName!', 2: 'gmsaCredentialSpec!', 3: 'runAsUserName!', 4: 'hostProcess! bool' },
  SeccompProfile: { 1: 'type!', 2: 'localhostProfile!' },
  AppArmorProfile: { 1: 'type!', 2: 'localhostProfile!' },
  EphemeralContainer: { 1: '...EphemeralContainerCommon', 2: 'targetContainerName' },
  PodSecurityContext: {
    1: 'seLinuxOptions SELinuxOptions', 2: 'runAsUser! int64', 3: 'runAsNonRoot! bool', 4: 'supplementalGroups []int64', 5: 'fsGroup! int64',
    6: 'runAsGroup! int64', 7: 'sysctls []Sysctl', 8: 'windowsOptions WindowsSecurityContextOptions', 9: 'fsGroupChangePolicy!',
    10: 'seccompProfile SeccompProfile', 11: 'appArmorProfile AppArmorProfile', 12: 'supplementalGroupsPolicy!', 13: 'seLinuxChangePolicy!',
  },
  Sysctl: { 1: 'name!', 2: 'value!' },
  Affinity: { 1: 'nodeAffinity NodeAffinity', 2: 'podAffinity PodAffinity', 3: 'podAntiAffinity PodAntiAffinity' },
  NodeAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution NodeSelector', 2: 'preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  },
  NodeSelector: { 1: 'nodeSelectorTerms []NodeSelectorTerm' },
  NodeSelectorTerm: { 1: 'matchExpressions []NodeSelectorRequirement', 2: 'matchFields []NodeSelectorRequirement' },
  NodeSelectorRequirement: { 1: 'key!', 2: 'operator!', 3: 'values []string' },
  PreferredSchedulingTerm: { 1: 'weight! int32', 2: 'preference NodeSelectorTerm' },
  PodAffinity: POD_AFFINITY,
  PodAntiAffinity: POD_AFFINITY,
  PodAffinityTerm: {
    1: 'labelSelector LabelSelector', 2: 'namespaces []string', 3: 'topologyKey!', 4: 'namespaceSelector LabelSelector', 5: 'matchLabelKeys []string',
    6: 'mismatchLabelKeys []string',
  },
  WeightedPodAffinityTerm: { 1: 'weight! int32', 2: 'podAffinityTerm PodAffinityTerm' },
  Toleration: { 1: 'key', 2: 'operator', 3: 'value', 4: 'effect', 5: 'tolerationSeconds! int64' },
  HostAlias: { 1: 'ip!', 2: 'hostnames []string' },
  PodDNSConfig: { 1: 'nameservers []string', 2: 'searches []string', 3: 'options []PodDNSConfigOption' },
  PodDNSConfigOption: { 1: 'name', 2: 'value!' },
  PodReadinessGate: { 1: 'conditionType!' },
  TopologySpreadConstraint: {
    1: 'maxSkew! int32', 2: 'topologyKey!', 3: 'whenUnsatisfiable!', 4: 'labelSelector LabelSelector', 5: 'minDomains! int32',
    6: 'nodeAffinityPolicy!', 7: 'nodeTaintsPolicy!', 8: 'matchLabelKeys []string',
  },
  PodOS: { 1: 'name!' },
  PodSchedulingGate: { 1: 'name!' },
  PodResourceClaim: { 1: 'name!', 3: 'resourceClaimName!', 4: 'resourceClaimTemplateName!' },
  PodSchedulingGroup: { 1: 'podGroupName!' },
  EvictionResponder: { 1: 'name!', 2: 'priority! int32' },
  // ---- Volumes (core/v1): every source, so that emu's validators, not the decoder, say which it runs ----
  Volume: { 1: 'name!', 2: '...VolumeSource' },
  VolumeSource: {
    1: 'hostPath HostPathVolumeSource', 2: 'emptyDir EmptyDirVolumeSource', 3: 'gcePersistentDisk GCEPersistentDiskVolumeSource',
    4: 'awsElasticBlockStore AWSElasticBlockStoreVolumeSource', 5: 'gitRepo GitRepoVolumeSource', 6: 'secret SecretVolumeSource',
    7: 'nfs NFSVolumeSource', 8: 'iscsi ISCSIVolumeSource', 9: 'glusterfs GlusterfsVolumeSource',
    10: 'persistentVolumeClaim PersistentVolumeClaimVolumeSource', 11: 'rbd RBDVolumeSource', 12: 'flexVolume FlexVolumeSource',
    13: 'cinder CinderVolumeSource', 14: 'cephfs CephFSVolumeSource', 15: 'flocker FlockerVolumeSource', 16: 'downwardAPI DownwardAPIVolumeSource',
    17: 'fc FCVolumeSource', 18: 'azureFile AzureFileVolumeSource', 19: 'configMap ConfigMapVolumeSource',
    20: 'vsphereVolume VsphereVirtualDiskVolumeSource', 21: 'quobyte QuobyteVolumeSource', 22: 'azureDisk AzureDiskVolumeSource',
    23: 'photonPersistentDisk PhotonPersistentDiskVolumeSource', 24: 'portworxVolume PortworxVolumeSource', 25: 'scaleIO ScaleIOVolumeSource',
    26: 'projected ProjectedVolumeSource', 27: 'storageos StorageOSVolumeSource', 28: 'csi CSIVolumeSource', 29: 'ephemeral EphemeralVolumeSource',
    30: 'image ImageVolumeSource',
  },
  HostPathVolumeSource: { 1: 'path!', 2: 'type!' },
  EmptyDirVolumeSource: { 1: 'medium', 2: 'sizeLimit Quantity', 3: 'mode! int32' },
  GCEPersistentDiskVolumeSource: { 1: 'pdName!', 2: 'fsType', 3: 'partition int32', 4: 'readOnly bool' },
  AWSElasticBlockStoreVolumeSource: { 1: 'volumeID!', 2: 'fsType', 3: 'partition int32', 4: 'readOnly bool' },
  GitRepoVolumeSource: { 1: 'repository!', 2: 'revision', 3: 'directory' },
  SecretVolumeSource: { 1: 'secretName', 2: 'items []KeyToPath', 3: 'defaultMode! int32', 4: 'optional! bool', 5: 'defaultUser! int64' },
  KeyToPath: { 1: 'key!', 2: 'path!', 3: 'mode! int32', 4: 'user! int64' },
  NFSVolumeSource: { 1: 'server!', 2: 'path!', 3: 'readOnly bool' },
  ISCSIVolumeSource: {
    1: 'targetPortal!', 2: 'iqn!', 3: 'lun! int32', 4: 'iscsiInterface', 5: 'fsType', 6: 'readOnly bool', 7: 'portals []string',
    8: 'chapAuthDiscovery bool', 10: 'secretRef LocalObjectReference', 11: 'chapAuthSession bool', 12: 'initiatorName!',
  },
  GlusterfsVolumeSource: { 1: 'endpoints!', 2: 'path!', 3: 'readOnly bool' },
  PersistentVolumeClaimVolumeSource: { 1: 'claimName!', 2: 'readOnly bool' },
  RBDVolumeSource: {
    1: 'monitors []string', 2: 'image!', 3: 'fsType', 4: 'pool', 5: 'user', 6: 'keyring', 7: 'secretRef LocalObjectReference', 8: 'readOnly bool',
  },
  FlexVolumeSource: { 1: 'driver!', 2: 'fsType', 3: 'secretRef LocalObjectReference', 4: 'readOnly bool', 5: 'options map<string>' },
  CinderVolumeSource: { 1: 'volumeID!', 2: 'fsType', 3: 'readOnly bool', 4: 'secretRef LocalObjectReference' },
  CephFSVolumeSource: { 1: 'monitors []string', 2: 'path', 3: 'user', 4: 'secretFile', 5: 'secretRef LocalObjectReference', 6: 'readOnly bool' },
  FlockerVolumeSource: { 1: 'datasetName', 2: 'datasetUUID' },
  DownwardAPIVolumeSource: { 1: 'items []DownwardAPIVolumeFile', 2: 'defaultMode! int32', 3: 'defaultUser! int64' },
  DownwardAPIVolumeFile: {
    1: 'path!', 2: 'fieldRef ObjectFieldSelector', 3: 'resourceFieldRef ResourceFieldSelector', 4: 'mode! int32', 5: 'user! int64',
  },
  ObjectFieldSelector: { 1: 'apiVersion', 2: 'fieldPath!' },
  ResourceFieldSelector: { 1: 'containerName', 2: 'resource!', 3: 'divisor Quantity' },
  FCVolumeSource: { 1: 'targetWWNs []string', 2: 'lun! int32', 3: 'fsType', 4: 'readOnly bool', 5: 'wwids []string' },
  AzureFileVolumeSource: { 1: 'secretName!', 2: 'shareName!', 3: 'readOnly bool' },
  ConfigMapVolumeSource: {
    1: '...LocalObjectReference', 2: 'items []KeyToPath', 3: 'defaultMode! int32', 4: 'optional! bool', 5: 'defaultUser! int64',
  },
  VsphereVirtualDiskVolumeSource: { 1: 'volumePath!', 2: 'fsType', 3: 'storagePolicyName', 4: 'storagePolicyID' },
  QuobyteVolumeSource: { 1: 'registry!', 2: 'volume!', 3: 'readOnly bool', 4: 'user', 5: 'group', 6: 'tenant' },
  AzureDiskVolumeSource: { 1: 'diskName!', 2: 'diskURI!', 3: 'cachingMode!', 4: 'fsType!', 5: 'readOnly! bool', 6: 'kind!' },
  PhotonPersistentDiskVolumeSource: { 1: 'pdID!', 2: 'fsType' },
  ProjectedVolumeSource: { 1: 'sources []VolumeProjection', 2: 'defaultMode! int32', 3: 'defaultUser! int64' },
  VolumeProjection: {
    1: 'secret SecretProjection', 2: 'downwardAPI DownwardAPIProjection', 3: 'configMap ConfigMapProjection',
    4: 'serviceAccountToken ServiceAccountTokenProjection', 5: 'clusterTrustBundle ClusterTrustBundleProjection',
    6: 'podCertificate PodCertificateProjection',
  },
  SecretProjection: { 1: '...LocalObjectReference', 2: 'items []KeyToPath', 4: 'optional! bool' },
  DownwardAPIProjection: { 1: 'items []DownwardAPIVolumeFile' },
  ConfigMapProjection: { 1: '...LocalObjectReference', 2: 'items []KeyToPath', 4: 'optional! bool' },
  ServiceAccountTokenProjection: { 1: 'audience', 2: 'expirationSeconds! int64', 3: 'path!', 4: 'user! int64' },
  ClusterTrustBundleProjection: { 1: 'name!', 2: 'signerName!', 3: 'labelSelector LabelSelector', 4: 'path!', 5: 'optional! bool', 6: 'user! int64' },
  PodCertificateProjection: {
    1: 'signerName', 2: 'keyType', 3: 'maxExpirationSeconds! int32', 4: 'credentialBundlePath', 5: 'keyPath', 6: 'certificateChainPath',
    7: 'userAnnotations map<string>', 8: 'user! int64',
  },
  PortworxVolumeSource: { 1: 'volumeID!', 2: 'fsType', 3: 'readOnly bool' },
  ScaleIOVolumeSource: {
    1: 'gateway!', 2: 'system!', 3: 'secretRef LocalObjectReference', 4: 'sslEnabled bool', 5: 'protectionDomain', 6: 'storagePool', 7: 'storageMode',
    8: 'volumeName', 9: 'fsType', 10: 'readOnly bool',
  },
  StorageOSVolumeSource: { 1: 'volumeName', 2: 'volumeNamespace', 3: 'fsType', 4: 'readOnly bool', 5: 'secretRef LocalObjectReference' },
  CSIVolumeSource: {
    1: 'driver!', 2: 'readOnly! bool', 3: 'fsType!', 4: 'volumeAttributes map<string>', 5: 'nodePublishSecretRef LocalObjectReference',
  },
  EphemeralVolumeSource: { 1: 'volumeClaimTemplate PersistentVolumeClaimTemplate' },
  PersistentVolumeClaimTemplate: { 1: 'metadata ObjectMeta', 2: 'spec PersistentVolumeClaimSpec' },
  PersistentVolumeClaimSpec: {
    1: 'accessModes []string', 2: 'resources VolumeResourceRequirements', 3: 'volumeName', 4: 'selector LabelSelector', 5: 'storageClassName!',
    6: 'volumeMode!', 7: 'dataSource TypedLocalObjectReference', 8: 'dataSourceRef TypedObjectReference', 9: 'volumeAttributesClassName!',
  },
  VolumeResourceRequirements: { 1: 'limits map<Quantity>', 2: 'requests map<Quantity>' },
  TypedLocalObjectReference: { 1: 'apiGroup!', 2: 'kind!', 3: 'name!' },
  TypedObjectReference: { 1: 'apiGroup!', 2: 'kind!', 3: 'name!', 4: 'namespace!' },
  ImageVolumeSource: { 1: 'reference', 2: 'pullPolicy' },
  // ---- apps/v1 ----
  Deployment: { 1: 'metadata ObjectMeta', 2: 'spec DeploymentSpec', 3: 'status DeploymentStatus' },
  DeploymentSpec: {
    1: 'replicas! int32', 2: 'selector LabelSelector', 3: 'template PodTemplateSpec', 4: 'strategy DeploymentStrategy', 5: 'minReadySeconds int32',
    6: 'revisionHistoryLimit! int32', 7: 'paused bool', 9: 'progressDeadlineSeconds! int32',
  },
  DeploymentStrategy: { 1: 'type', 2: 'rollingUpdate RollingUpdateDeployment' },
  RollingUpdateDeployment: { 1: 'maxUnavailable IntOrString', 2: 'maxSurge IntOrString' },
  DeploymentStatus: {
    1: 'observedGeneration int64', 2: 'replicas int32', 3: 'updatedReplicas int32', 4: 'availableReplicas int32', 5: 'unavailableReplicas int32',
    6: 'conditions []DeploymentCondition', 7: 'readyReplicas int32', 8: 'collisionCount! int32', 9: 'terminatingReplicas! int32',
  },
  DeploymentCondition: { 1: 'type!', 2: 'status!', 4: 'reason', 5: 'message', 6: 'lastUpdateTime Time', 7: 'lastTransitionTime Time' },
  // ---- policy/v1 ----
  PodDisruptionBudget: { 1: 'metadata ObjectMeta', 2: 'spec PodDisruptionBudgetSpec', 3: 'status PodDisruptionBudgetStatus' },
  PodDisruptionBudgetSpec: {
    1: 'minAvailable IntOrString', 2: 'selector LabelSelector', 3: 'maxUnavailable IntOrString', 4: 'unhealthyPodEvictionPolicy!',
  },
  PodDisruptionBudgetStatus: {
    1: 'observedGeneration int64', 2: 'disruptedPods map<Time>', 3: 'disruptionsAllowed! int32', 4: 'currentHealthy! int32',
    5: 'desiredHealthy! int32', 6: 'expectedPods! int32', 7: 'conditions []Condition',
  },
  Eviction: { 1: 'metadata ObjectMeta', 2: 'deleteOptions DeleteOptions' },
};

/** The kinds emu decodes from protobuf, by `apiVersion/kind`, and their messages. */
export const KINDS: Readonly<Record<string, string>> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'v1/ServiceAccount': 'ServiceAccount',
  'apps/v1/Deployment': 'Deployment',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1/Eviction': 'Eviction',
};

/** DeleteOptions travels under whichever group version the request is for. */
export const GROUP_INDEPENDENT_KINDS: Readonly<Record<string, string>> = {
  DeleteOptions: 'DeleteOptions',
};
