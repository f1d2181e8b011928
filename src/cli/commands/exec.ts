import { byKind } from '../../api/resources.ts';
import { resourcePath } from '../../client/rest-api.ts';
import { EmuError } from '../../errors.ts';
import { encodeClose, ERROR, exitCodeOf, STDERR, STDIN, STDOUT, V5_CHANNEL } from '../../api/streams.ts';
import { connect } from '../context.ts';

/**
 * emu exec POD [-c C] [-i] [-t] -- CMD: the pod's exec subresource over
 * WebSocket (v5.channel.k8s.io), as kubectl speaks it; the command's exit code
 * is ours.
 */
export async function execCommand(pod: string, command: string[], options: { container?: string; namespace?: string; stdin?: boolean; tty?: boolean }): Promise<number> {
  if (command.length === 0) throw new EmuError('USAGE', 'you must specify at least one command for the container: emu exec POD -- CMD');
  const api = await connect();
  const query = new URLSearchParams();
  for (const word of command) query.append('command', word);
  if (options.container) query.set('container', options.container);
  query.set('stdout', 'true');
  const tty = Boolean(options.tty && process.stdin.isTTY);
  if (!tty) query.set('stderr', 'true');
  if (options.stdin) query.set('stdin', 'true');
  if (tty) query.set('tty', 'true');
  const ws = await api.websocket(`${resourcePath(byKind('Pod')!, options.namespace ?? 'default', pod.replace(/^(pods?|po)\//, ''), 'exec')}?${query}`, [V5_CHANNEL]);
  if (options.stdin) {
    if (tty) process.stdin.setRawMode(true);
    process.stdin.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([STDIN]), d])));
    process.stdin.on('end', () => ws.send(encodeClose(STDIN)));
  }
  return await new Promise<number>((resolve) => {
    let exitCode = 0;
    ws.on('message', (message: Buffer) => {
      const channel = message[0];
      const data = message.subarray(1);
      if (channel === STDOUT) process.stdout.write(data);
      else if (channel === STDERR) process.stderr.write(data);
      else if (channel === ERROR) {
        exitCode = exitCodeOf(data);
        const status = JSON.parse(data.toString('utf8')) as { status: string; message?: string; reason?: string };
        if (status.status !== 'Success' && status.reason !== 'NonZeroExitCode') process.stderr.write(`error: ${status.message}\n`);
      }
    });
    ws.on('close', () => {
      if (tty) process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve(exitCode);
    });
    ws.on('error', () => resolve(1));
  });
}
