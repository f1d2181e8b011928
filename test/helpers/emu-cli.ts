import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/emu.mjs`;

/**
 * A private emu home and cluster
 * name per test file, so test files never share a cluster by accident.
 */
export function testHome(prefix: string): { home: string; cluster: string; env: Record<string, string>; cleanup: () => void } {
  const home = mkdtempSync(`/var/tmp/emu-test-${prefix}-`);
  const cluster = prefix;
  return {
    home,
    cluster,
    // A kubeconfig of its own too: `emu up`/`down` never touch the machine's ~/.kube/config.
    env: { EMU_HOME: home, EMU_CLUSTER: cluster, KUBECONFIG: `${home}/kubeconfig` },
    // A test that failed before its `emu down` must not leave a cluster behind:
    // killing a node's PID 1 takes all its pods with it. (Leak tests assert before this.)
    cleanup: () => {
      for (const line of processesOf(home)) {
        const [pid, ...args] = line.split(' ');
        if (/\bemu\.mjs __(daemon|run-scenario|gateway)\b/.test(args.join(' ')) && !args[0].endsWith('unshare')) process.kill(Number(pid), 'SIGKILL');
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command as the unprivileged user `nobody` (no supplementary groups). */
export function asNobody(command: string[], options: { env?: Record<string, string>; extendEnv?: boolean } = {}) {
  return execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command], { ...options, reject: false, stdin: 'ignore' });
}

/** Can `nobody` read this checkout (not so under a 0700 /root, say)? The unprivileged tests need it. */
export const checkoutReadableByNobody = execaSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', `${ROOT}node_modules/tsx/package.json`], { reject: false }).exitCode === 0;

/** Run the emu CLI as a user would. */
export async function emu(args: string[], env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], { env, reject: false, timeout: options.timeoutMs ?? 120_000, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Processes that belong to an emu home: those whose environment names it (the CLI,
 * the daemon, sandboxes) and all their descendants (containers get a clean environment).
 */
export function processesOf(home: string): string[] {
  const marked = new Set<string>();
  const parent = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      parent.set(pid, readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`EMU_HOME=${home}\0`)) marked.add(pid);
    } catch {
      // gone meanwhile
    }
  }
  const belongs = (pid: string): boolean => {
    for (let p: string | undefined = pid, hops = 0; p && p !== '0' && hops < 64; p = parent.get(p), hops++) if (marked.has(p)) return true;
    return false;
  };
  const found: string[] = [];
  for (const pid of parent.keys()) {
    if (pid === String(process.pid) || !belongs(pid)) continue;
    try {
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Mounts on the host that point into an emu home (there must never be any). */
export function hostMountsOf(home: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(home));
}

/** Poll until no process of this emu home is left (bounded); returns what is left. */
export async function leftovers(home: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = processesOf(home);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesOf(home);
  }
  return left;
}

/** Poll (bounded, every 50 ms) until `probe` returns a value. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `emu down --volumes`, wait for every process of the home to be gone, remove it; returns what was left. */
export async function downAndCleanup(t: { env: Record<string, string>; home: string; cleanup: () => void }): Promise<string[]> {
  await emu(['down', '--volumes'], t.env);
  const left = await leftovers(t.home);
  t.cleanup();
  return left;
}

/** The daemon's record of its node: the unshare process on the host and the node's PID 1. */
export function daemonInfo(home: string, cluster: string): { unsharePid: number; nodePid: number } {
  return JSON.parse(readFileSync(`${home}/clusters/${cluster}/run/daemon.json`, 'utf8'));
}

/** Zombie processes (state Z) among the descendants of `pid`: children nobody reaped. */
export function zombiesUnder(pid: number): string[] {
  const stat = new Map<string, { ppid: string; state: string; name: string }>();
  for (const p of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      const [state, ppid] = text.replace(/^.*\) /, '').split(' ');
      stat.set(p, { ppid, state, name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) });
    } catch {
      // gone meanwhile
    }
  }
  const under = (p: string): boolean => {
    for (let q = stat.get(p)?.ppid, hops = 0; q && q !== '0' && hops < 64; q = stat.get(q)?.ppid, hops++) if (q === String(pid)) return true;
    return false;
  };
  return [...stat].filter(([p, s]) => s.state === 'Z' && under(p)).map(([p, s]) => `${p} ${s.name}`);
}
