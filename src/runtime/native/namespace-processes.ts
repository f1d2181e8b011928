import { readdir, readFile, readlink } from 'node:fs/promises';
import { signalQuietly } from '../../util/proc.ts';

/** Namespace kinds as /proc/<pid>/ns names them. */
export type NamespaceKind = 'mnt' | 'net' | 'pid';

/** The namespace a process is in (`mnt:[4026532319]`), or undefined once it is gone. */
export async function namespaceOf(pid: number, kind: NamespaceKind): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/${kind}`).catch(() => undefined);
}

/**
 * Every process in a namespace, found through the node's /proc (the node's PID
 * namespace holds every pod's). A container's mount namespace is its own, so it
 * names exactly the container's processes, exec'd ones included, even when the
 * pod's containers share a PID namespace; a pod's network namespace names the pod's.
 */
export async function processesIn(kind: NamespaceKind, namespace: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map(Number);
  const found = await Promise.all(pids.map(async (pid) => ((await namespaceOf(pid, kind)) === namespace ? pid : 0)));
  return found.filter((pid) => pid > 0 && pid !== process.pid);
}

/** The state letter of a process (R, S, T, Z…), or undefined once it is gone. */
async function stateOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.replace(/^.*\) /, '')[0];
}

/** The states a signal leaves a process in: then it needs no second round. */
const SETTLED: Partial<Record<NodeJS.Signals, RegExp>> = { SIGSTOP: /^[TtZX]$/, SIGKILL: /^[ZX]$/ };

/**
 * Signal every process in a namespace. Sending is not atomic: a process can fork
 * while the list is read, and its child would escape. So SIGSTOP and SIGKILL go
 * round again, to whatever in the namespace is not stopped (or dead) yet, until a
 * round finds nothing to signal (a stopped process cannot fork, so this ends;
 * bounded all the same). Other signals go once.
 */
export async function signalNamespace(kind: NamespaceKind, namespace: string | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!namespace) return;
  const settled = SETTLED[signal];
  for (let round = 0; round < 100; round++) {
    const pids = await processesIn(kind, namespace);
    const pending = settled ? (await Promise.all(pids.map(async (pid) => (settled.test((await stateOf(pid)) ?? 'X') ? 0 : pid)))).filter((pid) => pid > 0) : pids;
    if (pending.length === 0) return;
    for (const pid of pending) signalQuietly(pid, signal);
    if (!settled) return;
    // The kernel applies the signal when it next runs the process.
    await new Promise((resolve) => setTimeout(resolve, round === 0 ? 1 : 10));
  }
}
