import { existsSync, statSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, open, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { shellJoin } from '../util/shell-quote.ts';
import { signalQuietly, waitForOnlyChild } from '../util/proc.ts';
import { expandDependentVars } from './dependent-vars.ts';
import { planMounts } from './mount-plan.ts';
import type { RuntimeContainer } from './pod-spec.ts';
import type { Sandbox } from './sandbox.ts';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ContainerExit {
  exitCode: number;
  /** Set when the process died of a signal (exit code is then 128 + signal number). */
  signal?: string;
}

/** The environment a container's processes see: `status.podIP` filled in, `$(VAR)` expanded. */
export function containerEnv(spec: RuntimeContainer, hostname: string, podIP: string): string[] {
  return [...containerVars(spec, hostname, podIP)].map(([k, v]) => `${k}=${v}`);
}

function containerVars(spec: RuntimeContainer, hostname: string, podIP: string): Map<string, string> {
  const env = new Map<string, string>([
    ['PATH', [...(spec.binDirs ?? []), DEFAULT_PATH].join(':')],
    ['HOSTNAME', hostname],
    ['HOME', '/root'],
    ...Object.entries(spec.imageEnv ?? {}),
  ]);
  const declared = new Map<string, string>();
  for (const e of spec.env) {
    const value = e.fromPodIP ? podIP : expandDependentVars(e.value, declared);
    declared.set(e.name, value);
    env.set(e.name, value);
  }
  return env;
}

interface ContainerStartOptions {
  sandbox: Sandbox;
  spec: RuntimeContainer;
  hostname: string;
  podIP: string;
  scratchDir: string;
  dnsDir: string;
  logFile: string;
}

/**
 * One run of a container inside the pod's namespaces; with volumes, in a mount
 * namespace of its own (volumes at their mountPaths). nsenter forks once to
 * enter the PID namespace; the container's main process is that child, and it is
 * the one that gets SIGTERM (nsenter forwards no signals).
 */
export class ContainerProcess {
  private constructor(
    private readonly child: ChildProcess | undefined,
    readonly mainPid: number,
    readonly exited: Promise<ContainerExit>,
  ) {}

  /** Never throws: a launch that fails is reported as an exit with code 128, its reason in the log. */
  static async start(opts: ContainerStartOptions): Promise<ContainerProcess> {
    try {
      return await ContainerProcess.launch(opts);
    } catch (error) {
      const message = `emu: cannot start container ${opts.spec.name}: ${(error as Error).message}\n`;
      await appendFile(opts.logFile, message).catch(() => undefined);
      return new ContainerProcess(undefined, 0, Promise.resolve({ exitCode: 128 }));
    }
  }

  private static async launch(opts: ContainerStartOptions): Promise<ContainerProcess> {
    let { spec } = opts;
    const { scratchDir } = opts;
    await mkdir(scratchDir, { recursive: true });
    const plan = planMounts({ mounts: spec.mounts, scratch: scratchDir, dnsDir: opts.dnsDir, exists: existsSync, isDirectory: (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? true });
    const vars = containerVars(spec, opts.hostname, opts.podIP);
    const env = [...vars].map(([k, v]) => `${k}=${v}`);
    // $(VAR) in command and args refers to the variables the container declares.
    const declared = new Map(spec.env.map((e) => [e.name, vars.get(e.name)!]));
    spec = { ...spec, argv: spec.argv.map((word) => expandDependentVars(word, declared)) };
    const workingDir = spec.workingDir || '/';
    // Without volumes nsenter runs the command itself, in its working directory and
    // with exactly the container's environment (every process start counts here).
    let command = [...opts.sandbox.nsenterArgs([`--wd=${workingDir}`]), ...spec.argv];
    if (plan.commands.length > 0) {
      // Volumes: a mount namespace of the container's own, built by a script.
      const launch = [...(plan.root ? ['chroot', plan.root] : []), 'env', '-i', '-C', workingDir, ...env, ...spec.argv];
      const script = ['set -e', `PATH=${DEFAULT_PATH}`, ...plan.commands, `exec ${shellJoin(launch)}`].join('\n') + '\n';
      const scriptPath = join(scratchDir, 'start.sh');
      await writeFile(scriptPath, script, { mode: 0o700 });
      command = [...opts.sandbox.nsenterArgs(), '/usr/bin/unshare', '--mount', '--propagation', 'private', '/bin/sh', scriptPath];
    }
    const [file, ...args] = command;
    // The container writes straight into its log file: no pipe through emu to keep draining.
    const log = await open(opts.logFile, 'a');
    const environment = Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ['ignore', log.fd, log.fd], env: environment });
    } finally {
      await log.close();
    }
    let ended = false;
    const exited = new Promise<ContainerExit>((resolve) => {
      child.once('error', () => resolve({ exitCode: 128 }));
      child.once('exit', (code, signal) => resolve({ exitCode: code ?? 128 + signalNumber(signal), signal: signal ?? undefined }));
    }).finally(() => (ended = true));
    // A short-lived command may be over before its PID is seen: then there is none to keep.
    const mainPid = await waitForOnlyChild(child.pid!, 5000, () => ended).catch(() => 0);
    return new ContainerProcess(child, mainPid, exited);
  }

  /** Arguments that run a command in this container's namespaces (exec, exec probes). */
  nsenterArgs(): string[] {
    // -r -w: a container may run chrooted (see mount-plan), so take its root and cwd too.
    return ['nsenter', '-t', String(this.mainPid), '-u', '-i', '-n', '-p', '-m', '-r', '-w', '--'];
  }

  /** SIGTERM to the main process, SIGKILL after the grace period, as the kubelet does. */
  async stop(graceMs: number): Promise<ContainerExit> {
    signalQuietly(this.mainPid, 'SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    signalQuietly(this.mainPid, 'SIGKILL');
    this.child?.kill('SIGKILL');
  }

}

function signalNumber(signal: string | undefined | null): number {
  return signal ? (constants.signals[signal as keyof typeof constants.signals] ?? 0) : 0;
}
