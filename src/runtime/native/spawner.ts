import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { holdHelper } from '../../util/proc.ts';

/** The helper process (plain JavaScript: see it for why and how). */
const SCRIPT = fileURLToPath(new URL('./spawner.mjs', import.meta.url));

/** A file a process writes to, opened for appending (mode 0600) and given to `owner` [uid, gid]. */
export interface OutputFile {
  path: string;
  owner?: [number, number];
}

export interface SpawnIo {
  stdin: 'pipe' | 'ignore';
  stdout: 'pipe' | OutputFile;
  stderr: OutputFile;
}

type Message =
  | { ev: 'stdout'; id: number; data: string }
  | { ev: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { ev: 'error'; id: number; message: string };

/**
 * A process the spawner started, with what emu uses of a ChildProcess: `exit`
 * (code, signal) and `error` events, exitCode/signalCode, stdin and stdout
 * streams when piped, kill().
 */
export class SpawnedProcess extends EventEmitter {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly stdin?: Writable;
  readonly stdout?: PassThrough;
  private ended = false;

  constructor(
    private readonly spawner: Spawner,
    readonly id: number,
    io: SpawnIo,
  ) {
    super();
    if (io.stdin === 'pipe') {
      this.stdin = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          spawner.send({ op: 'write', id, data: chunk.toString('base64') });
          done();
        },
        final: (done) => {
          spawner.send({ op: 'end', id });
          done();
        },
      });
    }
    if (io.stdout === 'pipe') this.stdout = new PassThrough();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.ended) this.spawner.send({ op: 'kill', id: this.id, signal });
  }

  /** What the spawner reported of this process. */
  heard(message: Message): void {
    if (this.ended) return;
    switch (message.ev) {
      case 'stdout':
        this.stdout?.write(Buffer.from(message.data, 'base64'));
        return;
      case 'exit':
        this.end(message.code, message.signal);
        return;
      case 'error':
        this.ended = true;
        this.stdout?.end();
        this.emit('error', new Error(message.message));
    }
  }

  end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    [this.exitCode, this.signalCode] = [code, signal];
    this.stdout?.end();
    this.emit('exit', code, signal);
  }
}

/**
 * Starts the native runtime's processes (crun) through one small helper
 * process instead of from the daemon itself: a process start forks its parent
 * first, and the daemon's fork grows with everything it holds (milliseconds
 * each with hundreds of pods; two per pod). The helper's children are its own;
 * it reports their exits, relays the sandbox's stdin and stdout, and ends with
 * the daemon (its stdin closes).
 */
export class Spawner {
  private helper?: ChildProcess;
  private nextId = 1;
  private readonly live = new Map<number, SpawnedProcess>();

  spawn(file: string, args: string[], io: SpawnIo): SpawnedProcess {
    this.started();
    const process = new SpawnedProcess(this, this.nextId++, io);
    this.live.set(process.id, process);
    process.once('exit', () => this.forget(process.id));
    process.once('error', () => this.forget(process.id));
    holdHelper(this.helper!, true); // an idle spawner must not keep this process alive
    this.send({ op: 'spawn', id: process.id, file, args, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr });
    return process;
  }

  send(message: object): void {
    this.helper?.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** End the helper (what it started lives on in the node until the node goes). */
  close(): void {
    this.helper?.stdin?.end();
    this.helper = undefined;
  }

  private forget(id: number): void {
    this.live.delete(id);
    if (this.live.size === 0 && this.helper) holdHelper(this.helper, false);
  }

  private started(): ChildProcess {
    if (this.helper) return this.helper;
    const helper = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.helper = helper;
    helper.stdin!.on('error', () => undefined); // reported through 'exit'
    createInterface({ input: helper.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as Message;
      try {
        this.live.get(message.id)?.heard(message);
      } catch (error) {
        // A listener's failure (an 'error' nobody listens for) is its own, not every other process's.
        process.emitWarning(`spawner: ${(error as Error).message}`);
      }
    });
    const gone = (why: string) => {
      if (this.helper === helper) this.helper = undefined;
      for (const process of [...this.live.values()]) process.heard({ ev: 'error', id: process.id, message: why });
    };
    helper.once('error', (error) => gone(`the spawner could not start: ${error.message}`));
    helper.once('exit', (code, signal) => gone(`the spawner ended (${signal ?? `exit code ${code}`})`));
    return helper;
  }
}
