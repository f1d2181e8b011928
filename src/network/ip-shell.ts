import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { holdHelper } from '../util/proc.ts';

/** One request: its commands took the input lines before `marker`, which ends it. */
interface Request {
  marker: number;
  errors: string[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `ip -force -batch -` that runs the node's network commands:
 * starting a process per pod (a fork of this whole process, then ip's own
 * start) cost more than the commands themselves.
 *
 * ip reads commands line by line and, with -force, goes on after a failure,
 * writing its complaint and `Command failed -:<line>` to stderr (unbuffered, in
 * order). Successful commands here print nothing. So each request is followed
 * by a marker command that always fails (`link show dev` of a name no interface
 * has): its `Command failed` line says every command before it is done, and the
 * complaints between belong to the request they name by line.
 */
export class IpShell {
  private child?: ChildProcess;
  private line = 0;
  private markers = 0;
  private readonly waiting: Request[] = [];
  /** Complaint lines since the last `Command failed`. */
  private said: string[] = [];

  run(commands: readonly string[]): Promise<void> {
    const child = this.started();
    return new Promise<void>((resolve, reject) => {
      this.line += commands.length + 1;
      this.waiting.push({ marker: this.line, errors: [], resolve, reject });
      if (this.child) holdHelper(this.child, true); // an idle ip must not keep this process alive
      child.stdin!.write(`${commands.join('\n')}\nlink show dev ${markerName(this.markers++)}\n`);
    });
  }

  /** End ip (its stdin closes; it exits when done). */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn('ip', ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    this.line = 0;
    child.stdin!.on('error', () => undefined); // reported through 'exit'
    createInterface({ input: child.stderr! }).on('line', (text) => this.heard(text));
    const gone = (why: string) => {
      if (this.child === child) this.child = undefined;
      for (const request of this.waiting.splice(0)) request.reject(new Error(why));
    };
    child.once('error', (error) => gone(`ip could not run: ${error.message}`));
    child.once('exit', (code, signal) => gone(`ip ended (${signal ?? `exit code ${code}`})`));
    return child;
  }

  private heard(text: string): void {
    const failed = /^Command failed -:(\d+)$/.exec(text);
    if (!failed) return void this.said.push(text);
    const line = Number(failed[1]);
    const said = this.said.join(' ');
    this.said = [];
    const request = this.waiting[0];
    if (!request) return;
    if (line < request.marker) return void request.errors.push(said);
    this.waiting.shift();
    if (this.waiting.length === 0 && this.child) holdHelper(this.child, false);
    if (request.errors.length > 0) request.reject(new Error(request.errors.join('; ')));
    else request.resolve();
  }
}

/** A name no interface has (interface names are at most 15 characters). */
function markerName(n: number): string {
  return `emu.mark${(n % 0x1000000).toString(16)}`;
}
