import type { ProbeSpec } from './probe.ts';
import type { VolumeMount } from './mount-plan.ts';

/**
 * A pod as the runtime runs it: everything looked up already (image entrypoints,
 * ConfigMap/Secret values, volume directories), so the runtime never reads the
 * object store. Only `status.podIP` env values wait for the address.
 */
export interface RuntimeContainer {
  name: string;
  image: string;
  argv: string[];
  /** Environment in order; entries with `fromPodIP` get the pod's address once it has one. */
  env: { name: string; value: string; fromPodIP?: boolean }[];
  workingDir?: string;
  /** The image's tool directories, first on PATH (unless the container sets PATH itself). */
  binDirs?: string[];
  /** The image's environment, under the container's own `env`. */
  imageEnv?: Record<string, string>;
  mounts: VolumeMount[];
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
}

export interface RuntimePodSpec {
  name: string;
  namespace: string;
  hostname: string;
  initContainers: RuntimeContainer[];
  containers: RuntimeContainer[];
  terminationGracePeriodSeconds: number;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** Per-incarnation scratch directory (overlay layers, /tmp, logs, scripts). */
  scratchDir: string;
  /** Directory with the cluster's hosts file. */
  dnsDir: string;
}

export type ContainerState =
  | { state: 'waiting'; reason: string; message?: string }
  | { state: 'running'; startedAt: number }
  | { state: 'terminated'; reason: string; exitCode: number; startedAt?: number; finishedAt: number };

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
