import type { Readable, Writable } from 'node:stream';
import { EmuError } from '../errors.ts';

/** The runtimes a cluster can run its pods on, chosen when it starts (see runtime-choice.ts). */
export const RUNTIME_NAMES = ['native', 'docker'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/**
 * The container runtime interface, shaped like Kubernetes' CRI: the pod lifecycle
 * (PodRuntime: init containers, probes, restarts, back-off) talks only to this.
 * Two implementations: the native runtime (runtime/native/: crun, namespaces and
 * overlays on this host) and the Docker runtime (runtime/docker/: real images
 * through testcontainers).
 */
export interface ContainerRuntime {
  readonly name: RuntimeName;
  /** What the Node object shows as nodeInfo.containerRuntimeVersion (`docker://20.10.24`, …). */
  readonly version: string;
  /**
   * Where a container's files come from: `host` — this host's own, plus the image
   * catalog's layers, entrypoint and environment (images/catalog.ts); `image` —
   * the image itself, which brings its own entrypoint, files and environment.
   */
  readonly imageFiles: 'host' | 'image';
  /** Create the pod's shared namespaces and put it on the network. */
  runPodSandbox(config: SandboxConfig): Promise<PodSandbox>;
  /** After every pod has stopped: remove whatever the runtime still holds for this cluster. */
  close(): Promise<void>;
}

export interface SandboxConfig {
  /** Unique among the sandboxes of this runtime (the pod incarnation's uid). */
  id: string;
  /** The pod's name and namespace (a runtime may name what it creates after them). */
  name: string;
  namespace: string;
  hostname: string;
  /** Directory holding the cluster hosts file: every container's /etc/hosts points into it. */
  dnsDir: string;
  /** Every container's /etc/resolv.conf (the kubelet writes it for the pod's DNS policy and namespace). */
  resolvConf: string;
  /** All containers share one PID namespace (the sandbox's), as `shareProcessNamespace: true` asks. */
  shareProcessNamespace: boolean;
  /** The pod uses the host's user ids (privileged pods, `hostUsers: true`) instead of a range of its own. */
  hostUsers: boolean;
}

/** A volume (or an image layer) mounted into a container. */
export interface VolumeMount {
  /** Path in the node that backs the mount (a volume directory, or a file in it for subPath). */
  source: string;
  /** Absolute path inside the container. */
  target: string;
  readOnly: boolean;
  /** Part of the image on this host (a catalog layer), not a volume: runtimes with real images leave it out. */
  fromImage?: boolean;
}

/** How a container's processes run, resolved from the pod's and the container's securityContext. */
export interface ContainerSecurity {
  uid: number;
  gid: number;
  supplementalGroups: number[];
  /** Capability names without the CAP_ prefix (CHOWN, NET_BIND_SERVICE, …). */
  capabilities: string[];
  privileged: boolean;
  /** no_new_privs (allowPrivilegeEscalation: false). */
  noNewPrivileges: boolean;
  readOnlyRootFilesystem: boolean;
}

export interface ContainerConfig {
  /** The container's name in its pod. */
  name: string;
  /** Which run of this container (0, 1, … as it restarts): each run starts from a fresh writable layer. */
  attempt: number;
  /** The manifest's image reference. */
  image: string;
  /** The whole command line, the image's entrypoint and cmd resolved (imageFiles `host`). */
  argv: string[];
  /**
   * The container's `command` and `args`, variables expanded: a runtime with real
   * images (imageFiles `image`) lets them replace the image's ENTRYPOINT and CMD.
   */
  command?: string[];
  args?: string[];
  /** `NAME=value` entries, exactly the environment the process gets. */
  env: string[];
  workingDir: string;
  mounts: VolumeMount[];
  security: ContainerSecurity;
  /** Give the process a pipe for its standard input (Container.stdin) instead of /dev/null. */
  stdin: boolean;
  /** stdout and stderr go here. */
  logFile: string;
}

export interface ContainerExit {
  exitCode: number;
  /** The runtime could not start the process (e.g. the entrypoint does not exist): why, in one line. */
  startError?: string;
}

export interface PodSandbox {
  readonly ip: string;
  /** Resolves when the sandbox's namespaces are gone (it died or was removed). */
  readonly exited: Promise<void>;
  /** Never throws: a container that cannot start is one that exits at once with `startError`. */
  startContainer(config: ContainerConfig): Promise<Container>;
  /** Send a signal to every process of the pod, the sandbox's own included (chaos: pod-kill, pause). */
  signalAll(signal: NodeJS.Signals): Promise<void>;
  /**
   * Run a command (nft, tc) in the pod's network namespace with the power to
   * change it (CAP_NET_ADMIN there), `input` on its standard input: how chaos
   * puts its partition and netem rules in place. Resolves when it exits 0; else
   * rejects with networkCommandFailed's line (also when the sandbox is gone).
   */
  runInNetwork(command: string[], input?: string): Promise<void>;
  /** Kill whatever is left of the pod, leave the network, free what the sandbox holds. */
  remove(): Promise<void>;
}

/** The one line a runInNetwork failure says: the command, and the first line of what it printed. */
export function networkCommandFailed(command: string[], output: string): EmuError {
  return new EmuError('RUNTIME_FAILED', `${command.slice(0, 3).join(' ')} in the pod's network failed: ${output.trim().split('\n')[0]}`);
}

export interface Container {
  readonly exited: Promise<ContainerExit>;
  /** The process's standard input, when the container was started with `stdin` (attach writes here). */
  readonly stdin?: Writable;
  /** Send a signal to the container's main process (chaos: container-kill). */
  signal(signal: NodeJS.Signals): void;
  /** Send a signal to every process of the container, exec'd ones included. */
  signalAll(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM to the main process, SIGKILL to all after the grace period, as the kubelet does. */
  stop(graceMs: number): Promise<ContainerExit>;
  /** Run a command in the container (its namespaces, user, capabilities and environment). */
  exec(command: string[]): ExecSession;
  /**
   * A command line that, run inside the node, runs `command` in this container with
   * the caller's own stdio (how `emu exec` hands the terminal straight through).
   */
  execCommandLine(command: string[]): Promise<string[]>;
}

export interface ExecSession {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The command's exit code (128 + n when killed by signal n). */
  readonly exited: Promise<number>;
  kill(): void;
}
