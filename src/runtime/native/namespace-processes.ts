import { readdir, readlink } from 'node:fs/promises';
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

export async function signalNamespace(kind: NamespaceKind, namespace: string | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!namespace) return;
  for (const pid of await processesIn(kind, namespace)) signalQuietly(pid, signal);
}
