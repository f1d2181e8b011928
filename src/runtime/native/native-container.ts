import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { signalQuietly } from '../../util/proc.ts';
import type { Container, ContainerConfig, ContainerExit, ExecSession } from '../container-runtime.ts';
import { exitCodeOfSignal, ProcessExecSession } from '../exec.ts';
import { prepareContainerFs } from './container-fs.ts';
import type { NativeSandbox } from './native-sandbox.ts';
import { namespaceOf, signalNamespace } from './namespace-processes.ts';
import { containerConfig, containerProcess } from './oci-config.ts';

/**
 * One run of a container: `crun run` in the foreground, started by the spawner (see spawner.ts),
 * with a fresh writable layer (the previous run's is discarded as this one
 * starts). The container's mount namespace is its own, so it names every process
 * of the container, exec'd ones and those in a shared PID namespace included.
 */
export class NativeContainer implements Container {
  private execs = 0;

  private constructor(
    private readonly sandbox: NativeSandbox,
    private readonly config: ContainerConfig,
    private readonly id: string,
    private readonly bundle: string,
    /** The container's init as the node sees it (0 if it never started). */
    readonly mainPid: number,
    private readonly mountNamespace: string | undefined,
    readonly exited: Promise<ContainerExit>,
    readonly stdin?: Writable,
  ) {}

  /** Never throws: a container that cannot start is returned already exited, its reason in `startError` and in its log. */
  static async start(sandbox: NativeSandbox, config: ContainerConfig): Promise<NativeContainer> {
    const runtime = sandbox.runtime;
    const runs = sandbox.dir;
    const bundle = join(runs, `${config.name}-${config.attempt}`);
    const id = `${sandbox.config.id}-${config.name}-${config.attempt}`;
    // What the previous run wrote outside its volumes is gone once it is replaced.
    if (config.attempt > 0) void rm(join(runs, `${config.name}-${config.attempt - 1}`), { recursive: true, force: true }).catch(() => undefined);
    const failed = async (message: string) => {
      await appendFile(config.logFile, `emu: ${message}\n`).catch(() => undefined);
      return new NativeContainer(sandbox, config, id, bundle, 0, undefined, Promise.resolve({ exitCode: 128, startError: message }));
    };
    const { security } = config;
    if (!runtime.hasIdRanges && !sandbox.config.hostUsers && [security.uid, security.gid, ...security.supplementalGroups].some((id) => id !== 0)) {
      return failed(`user ${security.uid}:${security.gid} is not available: emu runs unprivileged here, so a pod has only root (0); run emu as root to use other user ids`);
    }
    try {
      const rootId = sandbox.ids && runtime.hasIdRanges ? sandbox.ids.hostId : undefined;
      const fs = prepareContainerFs({
        dir: bundle,
        view: runtime.view,
        lowerMode: runtime.lowerMode,
        rootId,
        mountPoints: config.mounts.map((m) => m.target),
        files: new Set(config.mounts.filter((m) => statSync(m.source, { throwIfNoEntry: false })?.isFile()).map((m) => m.target)),
        hostname: sandbox.config.hostname,
        resolvConf: sandbox.config.resolvConf,
      });
      const oci = containerConfig({
        argv: config.argv,
        env: config.env,
        workingDir: config.workingDir,
        security,
        ...fs,
        overlays: runtime.view.overlayDirs.map((dir) => ({ dir, lower: runtime.directLower(dir) })),
        lowerMode: runtime.lowerMode,
        readOnlyMounts: runtime.view.readOnlyMounts,
        shadowDirs: runtime.view.shadowDirs,
        mounts: config.mounts,
        dnsDir: sandbox.config.dnsDir,
        sandboxPid: sandbox.pid,
        ids: sandbox.ids,
        nodeCapabilities: runtime.capabilities,
        shareProcessNamespace: sandbox.config.shareProcessNamespace,
      });
      writeFileSync(join(bundle, 'config.json'), JSON.stringify(oci));
      // The container writes straight into its log file: no pipe through emu to keep
      // draining. The file is the container user's, so it can reopen it as /dev/stdout.
      const owner: [number, number] | undefined = rootId !== undefined || sandbox.config.hostUsers ? [(rootId ?? 0) + security.uid, (rootId ?? 0) + security.gid] : undefined;
      const log = { path: config.logFile, owner };
      const child = runtime.crun.run(id, bundle, { stdin: config.stdin ? 'pipe' : 'ignore', stdout: log, stderr: log });
      let ended = false;
      const exited = new Promise<ContainerExit>((resolve) => {
        child.once('error', (error) => resolve({ exitCode: 128, startError: error.message }));
        child.once('exit', (code, signal) => {
          ended = true;
          const exitCode = code ?? exitCodeOfSignal(signal);
          // crun's own complaint (the entrypoint does not exist, say) means the process never ran.
          void (exitCode === 0 ? Promise.resolve('') : runtime.crun.failure(bundle)).then((failure) => resolve(failure ? { exitCode: 128, startError: failure } : { exitCode }));
        });
      });
      const mainPid = await runtime.crun.mainPid(bundle, () => ended);
      const mountNamespace = mainPid ? await namespaceOf(mainPid, 'mnt') : undefined;
      const container = new NativeContainer(sandbox, config, id, bundle, mainPid, mountNamespace, exited, child.stdin ?? undefined);
      child.stdin?.on('error', () => undefined); // the process may end before what is written reaches it
      // In a PID namespace of its own, the container's processes die with its init;
      // in the pod's shared one they would live on: end them with it.
      if (sandbox.config.shareProcessNamespace) void exited.then(() => container.signalAll('SIGKILL'));
      void exited.then(() => runtime.crun.forget(id));
      return container;
    } catch (error) {
      return failed(`cannot start container ${config.name}: ${(error as Error).message}`);
    }
  }

  signal(signal: NodeJS.Signals): void {
    signalQuietly(this.mainPid, signal);
  }

  async signalAll(signal: NodeJS.Signals): Promise<void> {
    // SIGKILL to the init of the container's own PID namespace kills every process
    // in it (the kernel's rule), exec'd ones included: no need to look for them.
    if (signal === 'SIGKILL' && !this.sandbox.config.shareProcessNamespace) return signalQuietly(this.mainPid, signal);
    await signalNamespace('mnt', this.mountNamespace, signal);
  }

  async stop(graceMs: number): Promise<ContainerExit> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => void this.signalAll('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  exec(command: string[]): ExecSession {
    const processFile = this.writeProcess(command);
    const [file, ...args] = this.sandbox.runtime.crun.execArgs(this.id, processFile);
    const session = new ProcessExecSession(spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    void session.exited.then(() => rm(processFile, { force: true }));
    return session;
  }

  async execCommandLine(command: string[]): Promise<string[]> {
    return this.sandbox.runtime.crun.execArgs(this.id, this.writeProcess(command));
  }

  /** An exec'd process runs as the container's does: same user, capabilities, environment, working directory. */
  private writeProcess(command: string[]): string {
    const file = join(this.bundle, `exec-${this.execs++}.json`);
    const { env, workingDir, security } = this.config;
    writeFileSync(file, JSON.stringify(containerProcess(command, env, workingDir, security, this.sandbox.runtime.capabilities)));
    return file;
  }
}
