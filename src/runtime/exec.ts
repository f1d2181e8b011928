import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Container, ExecSession } from './container-runtime.ts';

/** An exec session backed by a local process (the runtime's exec command). */
export class ProcessExecSession implements ExecSession {
  readonly exited: Promise<number>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(code ?? exitCodeOfSignal(signal)));
    });
  }

  get stdin(): Writable {
    return this.child.stdin!;
  }

  get stdout(): Readable {
    return this.child.stdout!;
  }

  get stderr(): Readable {
    return this.child.stderr!;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** 128 + n for signal n, as shells and kubectl report it. */
export function exitCodeOfSignal(signal: string | null | undefined): number {
  return 128 + (signal ? (constants.signals[signal as keyof typeof constants.signals] ?? 0) : 0);
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Run a command in a container to its end (or the timeout) and collect its output: exec probes, scenario exec. */
export function execCollect(container: Container, command: string[], timeoutMs: number): Promise<ExecResult> {
  return collectSession(container.exec(command), timeoutMs);
}

/** Give a session its input (or none), then collect its output until it ends or the timeout kills it. */
export async function collectSession(session: ExecSession, timeoutMs: number, input?: string): Promise<ExecResult> {
  session.stdin.end(input);
  const collect = (stream: Readable) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return new Promise<string>((resolve) => stream.once('close', () => resolve(Buffer.concat(chunks).toString().replace(/\n$/, ''))));
  };
  const [stdout, stderr] = [collect(session.stdout), collect(session.stderr)];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    session.kill();
  }, timeoutMs);
  const exitCode = await session.exited.finally(() => clearTimeout(timer));
  return { exitCode, stdout: await stdout, stderr: await stderr, timedOut };
}
