import type { ProbeSpec } from './probe.ts';
import type { ContainerSecurity, VolumeMount } from './container-runtime.ts';

/**
 * A pod as the runtime runs it: everything looked up already (image entrypoints,
 * ConfigMap/Secret values, volume directories), so the runtime never reads the
 * object store. Only `status.podIP` env values wait for the address.
 */
export interface RuntimeContainer {
  name: string;
  image: string;
  /** The command line with the image's entrypoint and cmd (native images); see ContainerConfig. */
  argv: string[];
  /** Kubernetes' `command` and `args`, for runtimes whose images bring their own entrypoint. */
  command?: string[];
  args?: string[];
  /** Environment in order; entries with `fromPodIP` get the pod's address once it has one. */
  env: { name: string; value: string; fromPodIP?: boolean }[];
  workingDir?: string;
  /** Volumes, the image's writable directories, then the image's own material (see images/catalog.ts). */
  mounts: VolumeMount[];
  security: ContainerSecurity;
  /** Keep standard input open for attach (`stdin`); close it after the first attach ends (`stdinOnce`). */
  stdin?: boolean;
  stdinOnce?: boolean;
  /** Run the process on a terminal of its own (`tty`), as `kubectl run -it` asks. */
  tty?: boolean;
  /** Run the command under an init that reaps orphans (see NativeImage.init). */
  init?: boolean;
  /** Set when the container cannot be created as configured (the kubelet's CreateContainerConfigError). */
  configError?: string;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
}

export interface RuntimePodSpec {
  /** The pod incarnation's uid. */
  uid: string;
  name: string;
  namespace: string;
  hostname: string;
  initContainers: RuntimeContainer[];
  containers: RuntimeContainer[];
  terminationGracePeriodSeconds: number;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  shareProcessNamespace: boolean;
  /** Host user ids (privileged containers, hostUsers: true) instead of a user namespace of the pod's own. */
  hostUsers: boolean;
  /** Per-incarnation scratch directory (the containers' writable layers, logs). */
  scratchDir: string;
  /** Directory with the cluster's hosts file. */
  dnsDir: string;
  /** The containers' /etc/resolv.conf. */
  resolvConf: string;
}

export type ContainerState =
  | { state: 'waiting'; reason: string; message?: string }
  | { state: 'running'; startedAt: number }
  | { state: 'terminated'; reason: string; message?: string; exitCode: number; startedAt?: number; finishedAt: number };

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  current: ContainerState;
  last?: ContainerState;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodStatus {
  phase: PodPhase;
  podIP?: string;
  ready: boolean;
  readySinceMs?: number;
  startTime: number;
  /** The status column kubectl shows: Running, Init:0/1, CrashLoopBackOff, Terminating, … */
  reason: string;
  message?: string;
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
}
