import { encodeClose, ERROR, exitCodeOf, STDERR, STDIN, STDOUT } from '../../api/streams.ts';
import { execFailure, openExec } from '../../client/pod-exec.ts';
import { EmuError } from '../../errors.ts';
import { connect } from '../context.ts';

/**
 * emu exec POD [-c C] [-i] [-t] -- CMD: the pod's exec subresource over
 * WebSocket (v5.channel.k8s.io), as kubectl speaks it; the command's exit code
 * is ours.
 */
export async function execCommand(pod: string, command: string[], options: { container?: string; namespace?: string; stdin?: boolean; tty?: boolean }): Promise<number> {
  if (command.length === 0) throw new EmuError('USAGE', 'you must specify at least one command for the container: emu exec POD -- CMD');
  const api = await connect();
  const tty = Boolean(options.tty && process.stdin.isTTY);
  const ws = await openExec(api, { namespace: options.namespace ?? 'default', pod: pod.replace(/^(pods?|po)\//, ''), command, container: options.container, stdin: options.stdin, tty });
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
        const failure = execFailure(data);
        if (failure) process.stderr.write(`error: ${failure}\n`);
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
