import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
 * Let a long-lived helper process (and its pipes) keep this process alive only
 * while it has work in flight: `hold` true refs them, false unrefs them.
 */
export function holdHelper(child: ChildProcess, hold: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
    const h = handle as unknown as { ref?(): void; unref?(): void } | null;
    if (hold) h?.ref?.();
    else h?.unref?.();
  }
}
