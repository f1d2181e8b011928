/**
 * Running a command in a container, as `kubectl exec` does: find the running
 * container of the pod and start the command through the container runtime (in
 * the container's namespaces, as its user, with its environment). One-shot
 * (collect the output) or streaming (for the API's exec).
 */
import { EmuError } from '../errors.ts';
import type { Container, ExecSession } from '../runtime/container-runtime.ts';
import { execCollect } from '../runtime/exec.ts';
import { shellJoin } from '../util/shell-quote.ts';
import type { Kubelet } from './kubelet.ts';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function target(kubelet: Kubelet, namespace: string, pod: string, container?: string): Container {
  const worker = kubelet.worker(namespace, pod);
  if (!worker) throw new EmuError('NOT_FOUND', `pods "${pod}" not found`);
  const runtime = worker.runtime;
  const names = [...(runtime?.spec.containers ?? []), ...(runtime?.spec.initContainers ?? [])].map((c) => c.name);
  const name = container ?? runtime?.spec.containers[0]?.name ?? '';
  if (runtime && !names.includes(name)) throw new EmuError('NOT_FOUND', `container ${name} is not valid for pod ${pod}`);
  const running = runtime?.container(name);
  if (!running) throw new EmuError('NOT_FOUND', `container ${name} is not running in pod ${pod}`);
  return running;
}

export async function execInPod(kubelet: Kubelet, namespace: string, pod: string, command: string[], options: { container?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const result = await execCollect(target(kubelet, namespace, pod, options.container), command, options.timeoutMs ?? 60_000);
  return { exitCode: result.timedOut ? 1 : result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Start a command with pipes for the API's exec. With a terminal, the command
 * runs under `script`, which gives it a pseudo-terminal inside the container.
 */
export function spawnInPod(kubelet: Kubelet, namespace: string, pod: string, command: string[], options: { container?: string; tty?: boolean }): ExecSession {
  const container = target(kubelet, namespace, pod, options.container);
  return container.exec(options.tty ? ['env', 'TERM=xterm', 'script', '-qfec', shellJoin(command), '/dev/null'] : command);
}
