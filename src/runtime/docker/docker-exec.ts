import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';
import type { ExecSession } from '../container-runtime.ts';

export interface ExecOptions {
  workingDir?: string;
  /** Attach stdin even if the caller ends it at once (default: only if it is still open on the next turn). */
  stdin?: boolean;
}

/**
 * A command run in a Docker container, streamed both ways (kubectl exec -i,
 * probes, scenario exec). testcontainers' own exec collects output and takes no
 * input, so this uses the Docker client it exposes. stdin is attached only if
 * the caller has not ended it by the next turn of the event loop (probes and
 * commands without -i end it at once): then the command sees no stdin at all,
 * as with `docker exec` without -i. With `stdin: true` it is attached in any
 * case (input written and ended at once, as `nft -f -` reads it).
 *
 * kill() lets go of the command's streams and reports 137; Docker has no way
 * to signal an exec'd process, so it runs on to its end inside the container
 * (as exec probes that time out did under dockershim).
 */
export class DockerExecSession implements ExecSession {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exited: Promise<number>;
  private stream?: Duplex;
  private killed?: () => void;

  constructor(client: ContainerRuntimeClient, containerId: string, command: string[], options: ExecOptions) {
    const killed = new Promise<number>((resolve) => (this.killed = () => resolve(137)));
    this.exited = Promise.race([this.run(client, containerId, command, options), killed]).finally(() => {
      this.stdout.end();
      this.stderr.end();
      this.stream?.destroy();
    });
  }

  /** A session for a command that cannot run: its reason on stderr, exit code 126 (as a shell reports "cannot execute"). */
  static failed(why: string): ExecSession {
    return {
      stdin: new PassThrough(),
      stdout: new PassThrough().end() as PassThrough,
      stderr: new PassThrough().end(`${why}\n`) as PassThrough,
      exited: Promise.resolve(126),
      kill() {},
    };
  }

  private async run(client: ContainerRuntimeClient, containerId: string, command: string[], options: ExecOptions): Promise<number> {
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const attachStdin = options.stdin ?? !this.stdin.writableEnded;
      const container = client.container.getById(containerId);
      const exec = await container.exec({ Cmd: command, AttachStdin: attachStdin, AttachStdout: true, AttachStderr: true, ...(options.workingDir ? { WorkingDir: options.workingDir } : {}) });
      const stream = (await exec.start({ hijack: true, stdin: attachStdin })) as Duplex;
      this.stream = stream;
      const ended = new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      });
      container.modem.demuxStream(stream, this.stdout, this.stderr);
      if (attachStdin) {
        this.stdin.on('data', (chunk: Buffer) => stream.write(chunk));
        this.stdin.once('end', () => stream.end());
      }
      await ended;
      const info = await exec.inspect();
      return info.ExitCode ?? 126;
    } catch (error) {
      this.stderr.write(`${(error as { json?: { message?: string } }).json?.message ?? (error as Error).message}\n`);
      return 126;
    }
  }

  kill(): void {
    this.killed?.();
  }
}
