import { readdir, readFile, readlink } from 'node:fs/promises';
import { pollUntil } from './deadline.ts';

/** Direct children of a process, from /proc (the kernel's own record; no `ps`). */
export async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * unshare --fork and nsenter (entering a PID namespace) each fork once; the
 * process we care about (the namespace's PID 1, or the container's main process)
 * is their single child. It appears a few milliseconds after spawn.
 */
export function waitForOnlyChild(pid: number, timeoutMs = 5000, gone: () => boolean = () => false): Promise<number> {
  // `gone`: the parent already exited, so there is no child to wait for (answer 0).
  return pollUntil(`the child of process ${pid}`, async () => (gone() ? 0 : (await childPids(pid))[0]), { timeoutMs, intervalMs: 1 });
}

export function signalQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone: nothing to stop
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every process in the PID namespace that `pid` belongs to, from /proc (the
 * node mounts its own, so it sees every pod's processes): compared by the
 * namespace's inode, so processes that entered later (nsenter) are included.
 */
export async function pidNamespaceMembers(pid: number): Promise<number[]> {
  let ns: string;
  try {
    ns = await readlink(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/ns/pid`)) === ns) members.push(Number(entry));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return members;
}

/** A process's state letter from /proc/PID/stat (R, S, T = stopped…), or undefined when gone. */
export async function processState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * Signal every process of the PID namespace `pid` belongs to. Repeated until a
 * pass finds no process it has not signalled yet, so a process forked meanwhile
 * (a probe, a connection handler) is caught too. Returns how many were signalled.
 */
export async function signalPidNamespace(pid: number, signal: NodeJS.Signals, passes = 5): Promise<number> {
  const signalled = new Set<number>();
  for (let pass = 0; pass < passes; pass++) {
    const fresh = (await pidNamespaceMembers(pid)).filter((p) => !signalled.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signalQuietly(p, signal);
      signalled.add(p);
    }
  }
  return signalled.size;
}

/** A process and all its descendants (from /proc's children lists), parents first. */
export async function processTree(pid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = await readdir(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      const text = await readFile(`/proc/${p}/task/${task}/children`, 'utf8').catch(() => '');
      queue.push(...text.trim().split(/\s+/).filter(Boolean).map(Number));
    }
  }
  return out;
}
