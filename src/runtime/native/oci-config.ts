import { join } from 'node:path';
import { DNS_MOUNT_POINT } from '../../network/dns-files.ts';
import type { ContainerSecurity, VolumeMount } from '../container-runtime.ts';

/**
 * OCI runtime configurations (config.json for crun) for a pod's sandbox and its
 * containers. Pure: every path and id is decided by the caller.
 */

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
  /** An id-mapped mount: the host's ids seen through these mappings. */
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
}

export interface OciProcess {
  terminal: false;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable: string[]; ambient: string[] };
  noNewPrivileges: boolean;
}

export interface OciConfig {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    uidMappings?: IdMapping[];
    gidMappings?: IdMapping[];
    namespaces: { type: string; path?: string }[];
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
}

interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** Which user ids a pod's user namespace maps to: a range of its own, or the node's one id (unprivileged). */
export interface IdRange {
  hostId: number;
  size: number;
}

/**
 * How a container's root filesystem is layered over the host's. `idmapped`: the
 * host's root filesystem is bind-mounted once at LOWER with the pod's id
 * mapping (host root's files belong to root in the pod, so root in the pod can
 * change them — in its own layer), one overlay of it is mounted at MERGED, and
 * each top-level directory is a bind of its part of that overlay (see
 * rootLayers). `direct`: no id-mapped mounts (a user namespace refuses them):
 * each top-level directory is an overlay whose lower layer is the directory
 * itself, with user xattrs.
 */
export type LowerMode = 'idmapped' | 'direct';

/** Where the id-mapped host root sits inside the container, hidden under an empty tmpfs once overlaid. */
export const LOWER = '/.lower';
/** Where the container's one overlay of the host root sits, hidden like LOWER once its directories are bound in place. */
export const MERGED = '/.merged';

export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// containerd's defaults: kernel interfaces a container has no business reading or writing.
const MASKED_PATHS = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const caps = (names: readonly string[]) => {
  const list = names.map((n) => `CAP_${n}`);
  return { bounding: list, effective: list, permitted: list, inheritable: [], ambient: [] };
};

/**
 * The pod's init, PID 1 of its namespaces (the pause container's job): wait for
 * the node to plug eth0 in, configure it from inside (one `ip` instead of an
 * nsenter and an `ip` from outside: process starts are the cost here; that `ip`
 * starts at once, while the node plugs eth0 in, and waits for its commands),
 * report "ready". Then, alone in its PID namespace, it just waits on its stdin
 * (the node keeps it open: no process to start); with the pod's containers
 * sharing its PID namespace, it reaps their orphans (`wait` reaps any child).
 */
const SANDBOX_INIT = `set -e
{ read ip prefix gateway; printf 'link set lo up\\naddr add %s/%s dev eth0\\nlink set eth0 up\\nroute add default via %s\\n' "$ip" "$prefix" "$gateway"; } | ip -batch -
echo ready
exec >/dev/null
if [ "$1" = reap ]; then exec </dev/null; while :; do sleep 2147483647 & wait $!; done; fi
read -r _ || true`;

export interface SandboxInput {
  hostname: string;
  /** A read-only root holding mount points and the host's top-level symlinks (bin -> usr/bin…). */
  rootfs: string;
  /** The pod's user namespace; undefined: the pod shares the node's user ids. */
  ids?: IdRange;
  /** The pod's containers share its PID namespace: it must reap their orphans. */
  shareProcessNamespace: boolean;
}

/** The sandbox: PID 1 of the pod's namespaces, able to configure its own network and nothing else. */
export function sandboxConfig(input: SandboxInput): OciConfig {
  const mapping = input.ids && [{ containerID: 0, hostID: input.ids.hostId, size: input.ids.size }];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['/bin/sh', '-c', SANDBOX_INIT, 'sandbox', input.shareProcessNamespace ? 'reap' : 'hold'],
      env: [PATH_ENV],
      cwd: '/',
      capabilities: caps(['NET_ADMIN']),
      noNewPrivileges: true,
    },
    root: { path: input.rootfs, readonly: true },
    hostname: input.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'mode=755', 'size=64k'] },
      { destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
    ],
    // No masked paths: no container shares this mount namespace (each mount costs start time).
    linux: {
      ...(mapping ? { uidMappings: mapping, gidMappings: mapping } : {}),
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, ...(mapping ? [{ type: 'user' }] : [])],
    },
  };
}

export interface ContainerInput {
  argv: string[];
  env: string[];
  workingDir: string;
  security: ContainerSecurity;
  /** The container's skeleton root: mount points for every top-level directory, host symlinks. */
  rootfs: string;
  /** The writable layer's upper and work directories (`direct`: one per top-level directory of the host, <upper>/<dir>, <work>/<dir>). */
  upperDir: string;
  workDir: string;
  /** The overlaid top-level directories, each with its lower layer as the node names it (`direct` only). */
  overlays: readonly { dir: string; lower: string }[];
  lowerMode: LowerMode;
  /** Other host filesystems below "/", shown read-only. */
  readOnlyMounts: readonly string[];
  /** Top-level directories rebuilt as a tmpfs of read-only binds of their entries (see host-view). */
  shadowDirs: readonly { dir: string; mode: number; entries: readonly string[] }[];
  /** Volumes and image layers, in the order to mount them. */
  mounts: readonly VolumeMount[];
  dnsDir: string;
  /** PID of the sandbox: its namespaces are joined. */
  sandboxPid: number;
  /** The pod's user namespace, joined (undefined: the pod uses the node's user ids). */
  ids?: IdRange;
  shareProcessNamespace: boolean;
  /** What `privileged` grants: every capability the node itself has. */
  nodeCapabilities: readonly string[];
}

/**
 * One container of a pod: the sandbox's network, IPC, UTS and user namespaces;
 * a PID namespace of its own (its main process is PID 1, and every process of it
 * dies with that one) unless the pod shares one; a mount namespace of its own
 * with a writable layer over the host's files.
 */
export function containerConfig(input: ContainerInput): OciConfig {
  const { security: s } = input;
  const joined = (type: string, ns: string) => ({ type, path: `/proc/${input.sandboxPid}/ns/${ns}` });
  // Host files look as on the host inside the pod's user namespace. crun maps a
  // mount with the container's own user namespace (cheapest), except when joining
  // a shared PID namespace: it has not joined the user namespace yet by then, so
  // the mapping is spelled out (crun makes a user namespace for it, per mount).
  const mapping = input.lowerMode === 'idmapped' && input.ids ? [{ containerID: 0, hostID: input.ids.hostId, size: input.ids.size }] : undefined;
  const idmap = (m: OciMount): OciMount => {
    if (!mapping) return m;
    return input.shareProcessNamespace ? { ...m, uidMappings: mapping, gidMappings: mapping } : { ...m, options: [...(m.options ?? []), 'idmap'] };
  };
  return {
    ociVersion: '1.0.2',
    process: containerProcess(input.argv, input.env, input.workingDir, s, input.nodeCapabilities),
    root: { path: input.rootfs, readonly: s.readOnlyRootFilesystem },
    mounts: [
      ...rootLayers(input, idmap),
      ...input.readOnlyMounts.map((m) => ({ destination: m, type: 'bind', source: m, options: ['rbind', 'ro'] })),
      ...input.shadowDirs.flatMap(({ dir, mode, entries }) => [
        { destination: `/${dir}`, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', `mode=${mode.toString(8)}`] },
        ...entries.map((entry) => ({ destination: `/${dir}/${entry}`, type: 'bind', source: `/${dir}/${entry}`, options: ['rbind', 'ro'] })),
      ]),
      ...systemMounts(s.privileged),
      // Without id-mapped lower layers the host's root-owned directories cannot be
      // changed even in the container's layer: keep the usual scratch place writable.
      ...(input.lowerMode === 'direct' ? [{ destination: '/var/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] }] : []),
      { destination: DNS_MOUNT_POINT, type: 'bind', source: input.dnsDir, options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec'] },
      ...input.mounts.map((m) => idmap({ destination: m.target, type: 'bind', source: m.source, options: ['bind', ...(m.readOnly ? ['ro'] : [])] })),
    ],
    linux: {
      namespaces: [
        input.shareProcessNamespace ? joined('pid', 'pid') : { type: 'pid' },
        { type: 'mount' },
        joined('network', 'net'),
        joined('ipc', 'ipc'),
        joined('uts', 'uts'),
        ...(input.ids ? [joined('user', 'user')] : []),
      ],
      ...(s.privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}

/** The process of a container, or of a command exec'd in it (same user, capabilities, environment). */
export function containerProcess(argv: string[], env: string[], workingDir: string, s: ContainerSecurity, nodeCapabilities: readonly string[]): OciProcess {
  return {
    terminal: false,
    user: { uid: s.uid, gid: s.gid, ...(s.supplementalGroups.length > 0 ? { additionalGids: s.supplementalGroups } : {}) },
    args: argv,
    env,
    cwd: workingDir || '/',
    capabilities: caps(s.privileged ? nodeCapabilities : s.capabilities.filter((c) => nodeCapabilities.includes(c))),
    noNewPrivileges: s.noNewPrivileges && !s.privileged,
  };
}

/**
 * The writable layer (read-only with readOnlyRootFilesystem).
 *
 * `idmapped`: one overlay of the whole host root at MERGED, and each top-level
 * directory a bind of its part of it. A crun mount cannot cover the root itself,
 * and an overlay per directory costs about as much as a bind costs a hundred
 * times. The binds' sources exist only in the container's mount namespace, once
 * the overlay is mounted: crun binds them there (its parent process, which
 * would open a bind's source ahead, finds nothing in the node and leaves it).
 * Directories keep separate mounts, as with an overlay each: a rename from /usr
 * to /var is a copy (EXDEV), as between a container's volumes.
 *
 * `direct`: an overlay per top-level directory, over the directory itself.
 */
function rootLayers(input: ContainerInput, idmap: (m: OciMount) => OciMount): OciMount[] {
  const ro = input.security.readOnlyRootFilesystem ? ['ro'] : [];
  const overlay = (destination: string, lower: string, upper: string, work: string): OciMount => ({
    destination,
    type: 'overlay',
    source: 'overlay',
    // User xattrs: the layer is mounted inside the pod's user namespace, where
    // overlayfs may not use trusted ones (rmdir of a host directory needs them).
    options: ['userxattr', `lowerdir=${escape(lower)},upperdir=${escape(upper)},workdir=${escape(work)}`, ...ro],
  });
  if (input.lowerMode === 'direct') return input.overlays.map(({ dir, lower }) => overlay(`/${dir}`, lower, join(input.upperDir, dir), join(input.workDir, dir)));
  const hide = (destination: string): OciMount => ({ destination, type: 'tmpfs', source: 'tmpfs', options: ['ro', 'nosuid', 'nodev', 'noexec', 'size=4k', 'mode=000'] });
  return [
    // Non-recursive: the root filesystem alone, as the host has it (not the node's own /etc overlay).
    idmap({ destination: LOWER, type: 'bind', source: '/', options: ['bind', 'ro', 'nosuid', 'nodev'] }),
    overlay(MERGED, join(input.rootfs, LOWER), input.upperDir, input.workDir),
    ...input.overlays.map(({ dir }) => ({ destination: `/${dir}`, type: 'bind', source: join(input.rootfs, MERGED, dir), options: ['bind', ...ro] })),
    hide(LOWER),
    hide(MERGED),
  ];
}

/** /proc of its own, a minimal /dev (the runtime adds null, zero, full, random, urandom, tty), /sys read-only, private /tmp and /run. */
function systemMounts(privileged: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
    { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755'] },
  ];
}

/** overlayfs splits its options at "," and lower directories at ":": escape them in paths. */
function escape(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}
