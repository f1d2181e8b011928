/**
 * The exec subresource from the client side: the WebSocket (v5.channel.k8s.io)
 * that `kubectl exec` opens, and a one-shot run that collects the output — what
 * `emu exec` streams to the terminal and what lab checks read.
 */
import type { WebSocket } from 'ws';
import { byKind } from '../api/resources.ts';
import { ERROR, exitCodeOf, STDERR, STDOUT, V5_CHANNEL } from '../api/streams.ts';
import { resourcePath, type RestApi } from './rest-api.ts';

export interface ExecRequest {
  namespace: string;
  pod: string;
  command: string[];
  container?: string;
  stdin?: boolean;
  tty?: boolean;
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Open the exec stream; the caller reads channels from it. */
export function openExec(api: RestApi, request: ExecRequest): Promise<WebSocket> {
  const query = new URLSearchParams();
  for (const word of request.command) query.append('command', word);
  if (request.container) query.set('container', request.container);
  query.set('stdout', 'true');
  if (!request.tty) query.set('stderr', 'true');
  if (request.stdin) query.set('stdin', 'true');
  if (request.tty) query.set('tty', 'true');
  return api.websocket(`${resourcePath(byKind('Pod')!, request.namespace, request.pod, 'exec')}?${query}`, [V5_CHANNEL]);
}

/** The exit Status on the error channel: its message when the command could not run at all. */
export function execFailure(data: Buffer): string | undefined {
  const status = JSON.parse(data.toString('utf8')) as { status: string; message?: string; reason?: string };
  return status.status !== 'Success' && status.reason !== 'NonZeroExitCode' ? status.message : undefined;
}

/** Run a command in a pod and collect what it printed and its exit code. */
export async function execCapture(api: RestApi, request: Omit<ExecRequest, 'stdin' | 'tty'>): Promise<ExecOutput> {
  const ws = await openExec(api, request);
  return await new Promise<ExecOutput>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode = 0;
    ws.on('message', (message: Buffer) => {
      const data = message.subarray(1);
      if (message[0] === STDOUT) out.push(data);
      else if (message[0] === STDERR) err.push(data);
      else if (message[0] === ERROR) {
        exitCode = exitCodeOf(data);
        const failure = execFailure(data);
        if (failure) err.push(Buffer.from(failure));
      }
    });
    const done = () => resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    ws.on('close', done);
    ws.on('error', () => {
      exitCode = exitCode || 1;
      done();
    });
  });
}
