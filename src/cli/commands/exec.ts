import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { readDaemonInfo } from '../../daemon/launch.ts';
import { EmuError } from '../../errors.ts';

/**
 * emu exec POD [-c C] -- CMD: enter the node's namespaces (where the daemon's PIDs
 * and the container runtime's state mean something), then run the command line
 * the daemon gives for the container, with this terminal; its exit code passes through.
 */
export async function execCommand(pod: string, command: string[], options: { container?: string; namespace?: string }): Promise<number> {
  if (command.length === 0) throw new EmuError('USAGE', 'you must specify at least one command for the container: emu exec POD -- CMD');
  const paths = clusterPaths();
  const target = await new DaemonClient(paths).call<{ argv: string[] }>('exec', { name: pod, container: options.container, namespace: options.namespace, command });
  const info = await readDaemonInfo(paths);
  if (!info) throw new EmuError('CLUSTER_NOT_RUNNING', 'the emu daemon left no process record; run emu down and apply again');
  const user = process.getuid?.() === 0 ? [] : ['-U', '--preserve-credentials'];
  const args = ['-t', String(info.nodePid), ...user, '-m', '-p', '-n', '--', ...target.argv];
  const child = spawn('nsenter', args, { stdio: 'inherit' });
  return await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1))));
}
