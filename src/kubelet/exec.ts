/**
 * Running a command in a container, as `kubectl exec` does: find the running
 * container of the pod and start the command in its namespaces with its
 * environment. One-shot (collect the output) or streaming (for the API's exec).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { EmuError } from '../errors.ts';
import { shellJoin } from '../util/shell-quote.ts';
import type { Kubelet } from './kubelet.ts';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function target(kubelet: Kubelet, namespace: string, pod: string, container?: string): { argv: string[]; container: string } {
  const worker = kubelet.worker(namespace, pod);
  if (!worker) throw new EmuError('NOT_FOUND', `pods "${pod}" not found`);
  const runtime = worker.runtime;
  const names = [...(runtime?.spec.containers ?? []), ...(runtime?.spec.initContainers ?? [])].map((c) => c.name);
  const name = container ?? runtime?.spec.containers[0]?.name ?? '';
  if (runtime && !names.includes(name)) throw new EmuError('NOT_FOUND', `container ${name} is not valid for pod ${pod}`);
  const exec = runtime?.execTarget(name);
  if (!exec) throw new EmuError('NOT_FOUND', `container ${name} is not running in pod ${pod}`);
  return { argv: [...exec.nsenter, 'env', '-i', ...exec.env], container: name };
}

export async function execInPod(kubelet: Kubelet, namespace: string, pod: string, command: string[], options: { container?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const { argv } = target(kubelet, namespace, pod, options.container);
  const [file, ...args] = [...argv, ...command];
  const result = await execa(file, args, { reject: false, timeout: options.timeoutMs ?? 60_000, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Start a command with pipes for the API's exec. With a terminal, the command
 * runs under `script`, which gives it a pseudo-terminal inside the container.
 */
export function spawnInPod(kubelet: Kubelet, namespace: string, pod: string, command: string[], options: { container?: string; tty?: boolean }): ChildProcess {
  const { argv } = target(kubelet, namespace, pod, options.container);
  const run = options.tty ? ['script', '-qfec', shellJoin(command), '/dev/null'] : command;
  const [file, ...args] = [...argv, ...(options.tty ? ['TERM=xterm'] : []), ...run];
  return spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
}
