import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmuError } from '../../errors.ts';
import { insideNode } from '../../node/enter-node.ts';
import type { ContainerRuntime, PodSandbox, SandboxConfig } from '../container-runtime.ts';
import { ALL_CAPABILITIES } from '../capabilities.ts';
import { Crun, INSTALLED_CRUN } from './crun.ts';
import { readHostView, type HostView } from './host-view.ts';
import { IdRangePool } from './id-ranges.ts';
import { NativeSandbox, type PodNetwork } from './native-sandbox.ts';
import type { IdRange, LowerMode } from './oci-config.ts';

export interface NativeRuntimeOptions {
  /** A directory of the cluster's run state: crun's state, the containers' layers. */
  stateDir: string;
  network: PodNetwork;
  /** Spreads user id ranges between clusters on one host (the cluster's directory will do). */
  seed: string;
}

/**
 * The native runtime: each pod is a sandbox and each container an OCI container
 * run by crun, from this host's own files.
 *
 * - As root, a pod gets a user namespace of its own (65536 ids far from the
 *   host's: root in the pod is nobody on the host, as `hostUsers: false` makes it
 *   in Kubernetes), and the host's files are seen through id-mapped mounts, so
 *   they look as on the host (root's files belong to root) and root in the pod
 *   can change them — in the container's own layer only.
 * - Unprivileged (emu inside a user namespace that maps one id), a pod's user
 *   namespace maps only that id, id-mapped mounts are refused, and the host's
 *   files owned by others (root's) show as nobody's: they can be read, not
 *   changed, even in the container's layer ("read-only view with private
 *   writable directories": /tmp, /run, volumes, new directories).
 *
 * Everything it starts lives in the node: it must run inside one.
 *
 * Containers' bundles and layers live in the cluster's run directory, which is
 * private to its owner (and may sit under a 0700 home): root in a pod, another
 * id, could not reach them there, yet crun mounts the layers as that id. So the
 * node (in its own mount namespace only) shows that directory at LAYERS, under
 * /sys/fs/cgroup — a tmpfs of emu's own anyway (see create) — which any id may
 * traverse, and the runtime names every bundle by that path.
 */
/** The containers' layers as pods' ids reach them (see NativeRuntime). */
const LAYERS = '/sys/fs/cgroup/emu';
/** The host's /etc as the node found it (see directLower). */
const HOST_ETC = '/sys/fs/cgroup/host-etc';
/** crun, read-only (see Crun.binary). */
const CRUN = '/sys/fs/cgroup/crun';

export class NativeRuntime implements ContainerRuntime {
  readonly name = 'native';
  readonly version = 'emu://native';
  readonly imageFiles = 'host';

  private constructor(
    readonly crun: Crun,
    readonly network: PodNetwork,
    readonly view: HostView,
    /** As root: a range of ids per pod. Unprivileged: undefined (the node's one id). */
    private readonly ranges: IdRangePool | undefined,
    readonly lowerMode: LowerMode,
    /** The sandbox's root: mount points and the host's top-level symlinks, read-only, shared by all sandboxes. */
    readonly sandboxRootfs: string,
    /** Every capability the node has (what a privileged container gets): the host may withhold some. */
    readonly capabilities: readonly string[],
  ) {}

  /**
   * The lower layer of a top-level directory without id-mapped mounts: the
   * directory itself, but for /etc the host's own, which the node keeps from
   * before it covers /etc with the cluster's hosts file (an overlay with a mount
   * below it cannot be a lower layer in a user namespace).
   */
  directLower(dir: string): string {
    return dir === 'etc' ? HOST_ETC : `/${dir}`;
  }

  /** Where this sandbox keeps its bundles and its containers' layers (see LAYERS). */
  sandboxDir(id: string): string {
    return join(LAYERS, id);
  }

  static async create(options: NativeRuntimeOptions): Promise<NativeRuntime> {
    if (!insideNode()) throw new EmuError('RUNTIME_FAILED', 'the native runtime runs only inside an emu node (see node/enter-node.ts)');
    Crun.ensureInstalled();
    const crun = new Crun(join(options.stateDir, 'crun'), CRUN);
    mkdirSync(crun.stateDir, { recursive: true });
    const layers = join(options.stateDir, 'containers');
    mkdirSync(layers, { recursive: true });
    chmodSync(layers, 0o711);
    // crun refuses a host with both cgroup versions mounted; emu uses no cgroups.
    // An empty tmpfs there, in the node's private mount namespace only, settles
    // it, and holds the mount point for the layers.
    const allIds = /^\s*0\s+0\s+4294967295\s*$/.test(readFileSync('/proc/self/uid_map', 'utf8'));
    const lowerMode: LowerMode = allIds ? 'idmapped' : 'direct';
    try {
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=4k,mode=755', 'emu', '/sys/fs/cgroup']);
      mkdirSync(LAYERS, { mode: 0o711 });
      await execa('mount', ['--bind', layers, LAYERS]);
      mkdirSync(HOST_ETC, { mode: 0o755 });
      await execa('mount', ['--bind', '/etc', HOST_ETC]);
      writeFileSync(CRUN, '');
      await execa('mount', ['--bind', '-o', 'ro', INSTALLED_CRUN, CRUN]);
    } catch (error) {
      throw new EmuError('RUNTIME_FAILED', `could not prepare the node for crun: ${(error as { stderr?: string }).stderr ?? error}`, { cause: error });
    }
    const view = readHostView(lowerMode);
    const sandboxRootfs = join(LAYERS, 'sandbox-rootfs');
    mkdirSync(sandboxRootfs, { recursive: true });
    for (const dir of ['proc', 'dev', 'usr']) mkdirSync(join(sandboxRootfs, dir), { recursive: true });
    for (const entry of view.entries) if (entry.kind === 'link' && !existsSync(join(sandboxRootfs, entry.name))) symlinkSync(entry.target, join(sandboxRootfs, entry.name));
    const bounding = BigInt(`0x${/^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
    const capabilities = ALL_CAPABILITIES.filter((_, bit) => (bounding >> BigInt(bit)) & 1n);
    return new NativeRuntime(crun, options.network, view, allIds ? new IdRangePool(options.seed) : undefined, lowerMode, sandboxRootfs, capabilities);
  }

  runPodSandbox(config: SandboxConfig): Promise<PodSandbox> {
    return NativeSandbox.start(this, config);
  }

  /** Everything a native pod holds lives in the node and goes with it; only the spawner is ended. */
  async close(): Promise<void> {
    this.crun.close();
  }

  /** The ids of a new pod's user namespace: a range of its own, or the node's one id. */
  allocateIds(): IdRange {
    return this.ranges?.allocate() ?? { hostId: 0, size: 1 };
  }

  releaseIds(range: IdRange): void {
    if (this.ranges && range.size > 1) this.ranges.release(range);
  }

  /** Can a pod use user ids other than root? Only with a range of its own. */
  get hasIdRanges(): boolean {
    return this.ranges !== undefined;
  }
}
