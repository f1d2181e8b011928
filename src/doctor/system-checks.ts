/**
 * The kernel and the machine: version, namespaces and overlayfs as emu uses
 * them (tried for real, in namespaces that vanish with the probe), cgroup
 * mode, pid_max, memory and Node.
 */
import { mkdtemp, readFile, rm, statfs } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { aptInstall, failed, passed, sudo, type Check, type CheckResult } from './check-result.ts';

const MIN_KERNEL = [5, 11] as const; // overlayfs inside user namespaces
const IDMAP_KERNEL = [5, 12] as const;
const MIN_NODE = 20;
const MIN_PID_MAX = 32768;
const GIB = 1024 ** 3;

const isRoot = () => process.getuid?.() === 0;

function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const [a = 0, b = 0] = version.split(/[.-]/).map(Number);
  return a > major || (a === major && b >= minor);
}

export const kernel: Check = async () => {
  const version = release();
  if (process.platform !== 'linux') return failed('Linux', process.platform, 'emu runs pods as Linux namespaces: use a Linux machine (Debian 12 is the reference), or a Linux VM');
  return atLeast(version, MIN_KERNEL) ? passed(`kernel ≥ ${MIN_KERNEL.join('.')}`, version) : failed(`kernel ≥ ${MIN_KERNEL.join('.')}`, version, `upgrade the kernel (Debian: ${aptInstall('linux-image-amd64')}, then reboot)`);
};

export const node: Check = async () => {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE ? passed(`Node.js ≥ ${MIN_NODE}`, process.versions.node) : failed(`Node.js ≥ ${MIN_NODE}`, process.versions.node, 'install Node.js 20 or newer (nodejs.org, or nvm: `nvm install 20`)');
};

/** Run `command` with a throwaway scratch directory made in `scratchRoot` (which must exist); ok when it exits 0. */
async function tryIn(scratchRoot: string, command: (dir: string) => string[]): Promise<{ ok: boolean; error: string }> {
  const dir = await mkdtemp(join(scratchRoot, '.doctor-'));
  try {
    const [file, ...args] = command(dir);
    const result = await execa(file, args, { reject: false, timeout: 10_000, stdin: 'ignore' });
    return { ok: result.exitCode === 0, error: (result.stderr || result.stdout || `exit ${result.exitCode}`).split('\n')[0] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const userNamespaces: Check = async () => {
  const name = 'user namespaces (unprivileged)';
  const probe = await execa('unshare', ['--user', '--map-root-user', 'true'], { reject: false, stdin: 'ignore' });
  if (probe.exitCode === 0) return passed(name, isRoot() ? 'available (you are root: emu does not need them)' : 'available');
  const restricted = (await readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').catch(() => '0')).trim() === '1';
  const cloneOff = (await readFile('/proc/sys/kernel/unprivileged_userns_clone', 'utf8').catch(() => '1')).trim() === '0';
  const maxZero = (await readFile('/proc/sys/user/max_user_namespaces', 'utf8').catch(() => '1')).trim() === '0';
  const fix = restricted
    ? `${sudo()}sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10+), or run emu as root`
    : cloneOff
      ? `${sudo()}sysctl -w kernel.unprivileged_userns_clone=1, or run emu as root`
      : maxZero
        ? `${sudo()}sysctl -w user.max_user_namespaces=15000, or run emu as root`
        : `enable user namespaces in the kernel (CONFIG_USER_NS), or run emu as root`;
  return failed(name, (probe.stderr || 'refused').split('\n')[0], fix, !isRoot());
};

/** Overlayfs in a private mount namespace, as pods get their mount points: in a user namespace when not root. */
export function overlay(scratchRoot: string): Check {
  return async () => {
    const name = isRoot() ? 'overlayfs in a mount namespace' : 'overlayfs in a user namespace';
    const options = (dir: string) => `${isRoot() ? '' : 'userxattr,'}lowerdir=/usr,upperdir=${dir}/upper,workdir=${dir}/work`;
    const namespaces = isRoot() ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
    const probe = await tryIn(scratchRoot, (dir) => ['unshare', ...namespaces, 'sh', '-c', `mkdir -p ${dir}/upper ${dir}/work ${dir}/merged && mount -t overlay overlay -o ${options(dir)} ${dir}/merged && test -d ${dir}/merged/bin`]);
    if (probe.ok) return passed(name, 'works');
    return failed(name, probe.error, isRoot() ? `${sudo()}modprobe overlay (and add "overlay" to /etc/modules)` : `use a kernel ≥ 5.11 with overlayfs in user namespaces (Ubuntu/Debian kernels have it), or run emu as root`);
  };
}

/** Idmapped mounts: what an isolated runtime needs to show host files with shifted owners. Optional. */
export const idmappedMounts: Check = async () => {
  const name = 'idmapped mounts';
  const version = release();
  if (!atLeast(version, IDMAP_KERNEL)) return failed(name, `kernel ${version}`, `a kernel ≥ ${IDMAP_KERNEL.join('.')} (only the isolated runtime needs it)`, false);
  return passed(name, `kernel ${version} supports them`, false);
};

export const cgroups: Check = async () => {
  const name = 'cgroup v2 (unified)';
  const type = await statfs('/sys/fs/cgroup').then((s) => s.type).catch(() => 0);
  const CGROUP2_MAGIC = 0x63677270;
  if (type === CGROUP2_MAGIC) return passed(name, 'cgroup2', false);
  return failed(name, 'v1 or hybrid', 'emu works without it (it limits nothing); to switch, boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line', false);
};

export const pidMax: Check = async () => {
  const value = Number((await readFile('/proc/sys/kernel/pid_max', 'utf8').catch(() => '0')).trim());
  return value >= MIN_PID_MAX ? passed(`pid_max ≥ ${MIN_PID_MAX}`, String(value)) : failed(`pid_max ≥ ${MIN_PID_MAX}`, String(value), `${sudo()}sysctl -w kernel.pid_max=4194304`);
};

export const memory: Check = async () => {
  const info = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const availableKb = Number(info.match(/^MemAvailable:\s+(\d+)/m)?.[1] ?? 0);
  const gib = (availableKb * 1024) / GIB;
  const found = `${gib.toFixed(1)} GiB available`;
  const results: CheckResult[] = [gib >= 1 ? passed('memory ≥ 1 GiB free', found) : failed('memory ≥ 1 GiB free', found, 'close other programs (browsers, IDEs, VMs) before the workshop')];
  results.push(gib >= 4 ? passed('memory ≥ 4 GiB free (Elasticsearch lab)', found, false) : failed('memory ≥ 4 GiB free (Elasticsearch lab)', found, 'close other programs; three Elasticsearch nodes need about 3 GiB', false));
  return results;
};
