import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crashLoopDelayMs, BACKOFF_RESET_AFTER_MS } from './backoff.ts';
import { containerArgv, containerCommand, containerEnv } from './container-env.ts';
import type { Container, ContainerExit, ContainerRuntime, PodSandbox } from './container-runtime.ts';
import { execCollect } from './exec.ts';
import { ProbeLoop, type ProbeSpec } from './probe.ts';
import type { ContainerStatus, PodStatus, RuntimeContainer, RuntimePodSpec } from './pod-spec.ts';
import { shellJoin } from '../util/shell-quote.ts';
import { NODE_INIT } from '../node/enter-node.ts';

/** Something kubectl describe lists under Events. */
export interface RuntimeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

interface Running {
  process: Container;
  probes: ProbeLoop[];
  /** Set when emu itself is stopping this run (liveness restart or pod stop). */
  stopping: boolean;
}

/**
 * One incarnation of a pod, the kubelet's part: a sandbox from the container
 * runtime, init containers one after another, then the containers with probes
 * and restarts (restartPolicy, CrashLoopBackOff). Emits 'change' whenever
 * anything kubectl would show changes, and 'event' for the pod's Events.
 */
export class PodRuntime extends EventEmitter<{ change: []; event: [RuntimeEvent] }> {
  readonly status: PodStatus;
  private sandbox?: PodSandbox;
  private readonly running = new Map<string, Running>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private crashes = new Map<string, number>();
  private terminating = false;
  private stopped?: Promise<void>;

  constructor(
    readonly spec: RuntimePodSpec,
    private readonly runtime: ContainerRuntime,
    private readonly timeScale = 1,
  ) {
    super();
    const initial = (c: RuntimeContainer): ContainerStatus => ({
      name: c.name,
      image: c.image,
      ready: false,
      started: false,
      restartCount: 0,
      current: { state: 'waiting', reason: 'PodInitializing' },
    });
    this.status = {
      phase: 'Pending',
      ready: false,
      startTime: Date.now(),
      reason: 'ContainerCreating',
      initContainerStatuses: spec.initContainers.map(initial),
      containerStatuses: spec.containers.map(initial),
    };
  }

  get isTerminating(): boolean {
    return this.terminating;
  }

  /** Resolves once the sandbox has its address; containers go on starting in the background. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /** Like the kubelet, retry a sandbox that fails to start, with back-off, until the pod is deleted. */
  private async doStart(): Promise<void> {
    await mkdir(join(this.spec.scratchDir, 'logs'), { recursive: true });
    let sandbox: PodSandbox | undefined;
    for (let failures = 1; !sandbox; failures++) {
      if (this.terminating) return;
      try {
        sandbox = await this.runtime.runPodSandbox({
          id: this.spec.uid,
          name: this.spec.name,
          namespace: this.spec.namespace,
          hostname: this.spec.hostname,
          dnsDir: this.spec.dnsDir,
          resolvConf: this.spec.resolvConf,
          shareProcessNamespace: this.spec.shareProcessNamespace,
          hostUsers: this.spec.hostUsers,
        });
      } catch (error) {
        this.emit('event', { type: 'Warning', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${(error as Error).message}` });
        await this.backOff(crashLoopDelayMs(failures, this.timeScale));
      }
    }
    this.sandbox = sandbox;
    this.status.podIP = sandbox.ip;
    void sandbox.exited.then(() => this.onSandboxExit());
    this.changed();
    if (!this.terminating) void this.runInitThenContainers();
  }

  private starting?: Promise<void>;

  logFile(container: string, restartCount: number): string {
    return join(this.spec.scratchDir, 'logs', `${container}.${restartCount}.log`);
  }

  /** The running container of this name (exec, chaos), if it is running. */
  container(name: string): Container | undefined {
    return this.running.get(name)?.process;
  }

  /** The pod's sandbox once it runs (chaos: signal every process of the pod). */
  get podSandbox(): PodSandbox | undefined {
    return this.sandbox;
  }

  /** Resolves when the pod's sandbox is gone (every process of the pod with it); undefined before it runs. */
  get exited(): Promise<void> | undefined {
    return this.sandbox?.exited;
  }

  private async runInitThenContainers(): Promise<void> {
    const inits = this.spec.initContainers;
    for (let i = 0; i < inits.length; i++) {
      this.status.reason = `Init:${i}/${inits.length}`;
      this.changed();
      for (;;) {
        if (this.terminating || this.sandboxGone) return;
        const status = this.status.initContainerStatuses[i];
        if (this.refusedConfig(inits[i], status)) return;
        const exit = await this.runToCompletion(inits[i], status);
        if (this.terminating) return;
        if (exit.exitCode === 0) break;
        if (this.spec.restartPolicy === 'Never') return this.fail('Init:Error', `init container ${inits[i].name} exited with code ${exit.exitCode}`);
        status.restartCount++;
        const wait = crashLoopDelayMs(status.restartCount, this.timeScale);
        status.current = { state: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(wait / 1000)}s restarting failed container=${inits[i].name}` };
        this.status.reason = 'Init:CrashLoopBackOff';
        this.changed();
        await this.backOff(wait);
      }
    }
    if (this.terminating || this.sandboxGone) return;
    await Promise.all(this.spec.containers.map((c, i) => this.startContainer(c, this.status.containerStatuses[i])));
  }

  private async runToCompletion(spec: RuntimeContainer, status: ContainerStatus): Promise<ContainerExit> {
    const process = await this.launch(spec, status);
    const run: Running = { process, probes: [], stopping: false };
    this.running.set(spec.name, run);
    const exit = await process.exited;
    this.running.delete(spec.name);
    status.current = terminated(exit, status.current);
    this.changed();
    return exit;
  }

  /**
   * Start one run of a container. A launch that fails (startContainer never
   * throws) looks like an immediate exit, so restarts and back-off apply.
   * A pod stop that comes during the launch waits for it (see doStop), and the
   * fresh process gets its SIGTERM here.
   */
  private launch(spec: RuntimeContainer, status: ContainerStatus): Promise<Container> {
    const launching = (async () => {
      const env = containerEnv(spec, this.spec.hostname, this.status.podIP!, this.runtime.imageFiles === 'host');
      const command = containerArgv(spec, env);
      const argv = spec.init ? [NODE_INIT, '--', ...command] : command;
      const process = await this.sandbox!.startContainer({
        name: spec.name,
        attempt: status.restartCount,
        image: spec.image,
        // A terminal of its own: `script` runs the command on a new pseudo-terminal, fed from stdin.
        argv: spec.tty ? ['script', '-qfec', shellJoin(argv), '/dev/null'] : argv,
        ...containerCommand(spec, env),
        env: spec.tty && !env.some((e) => e.startsWith('TERM=')) ? [...env, 'TERM=xterm'] : env,
        stdin: Boolean(spec.stdin),
        workingDir: spec.workingDir || '/',
        mounts: spec.mounts,
        security: spec.security,
        logFile: this.logFile(spec.name, status.restartCount),
      });
      status.current = { state: 'running', startedAt: Date.now() };
      void process.exited.then((exit) => {
        if (exit.startError) this.emit('event', { type: 'Warning', reason: 'Failed', message: `Error: failed to start container "${spec.name}": ${exit.startError}` });
      });
      if (this.terminating) await process.stop(this.spec.terminationGracePeriodSeconds * 1000);
      return process;
    })();
    this.launching.add(launching);
    void launching.finally(() => this.launching.delete(launching));
    return launching;
  }

  private readonly launching = new Set<Promise<Container>>();

  /**
   * A container whose configuration cannot run (runAsNonRoot with root, say)
   * waits with CreateContainerConfigError, as the kubelet leaves it.
   */
  private refusedConfig(spec: RuntimeContainer, status: ContainerStatus): boolean {
    if (!spec.configError) return false;
    status.current = { state: 'waiting', reason: 'CreateContainerConfigError', message: spec.configError };
    this.emit('event', { type: 'Warning', reason: 'Failed', message: `Error: ${spec.configError}` });
    this.changed();
    return true;
  }

  private async startContainer(spec: RuntimeContainer, status: ContainerStatus): Promise<void> {
    // A pending restart after the sandbox died must start nothing: its namespaces
    // are gone (and their process ids may already belong to someone else).
    if (this.terminating || this.sandboxGone || this.refusedConfig(spec, status)) return;
    const process = await this.launch(spec, status);
    const run: Running = { process, probes: [], stopping: false };
    this.running.set(spec.name, run);
    status.started = !spec.startupProbe;
    status.ready = status.started && !spec.readinessProbe;
    const target = {
      podIP: this.status.podIP!,
      exec: async (command: string[], timeoutMs: number) => {
        const result = await execCollect(process, command, timeoutMs);
        return result.timedOut ? -1 : result.exitCode;
      },
    };
    const loop = (probe: ProbeSpec | undefined, onResult: (ok: boolean) => void, eager = false) => {
      if (!probe || this.terminating) return;
      const l = new ProbeLoop(probe, target, onResult, eager);
      run.probes.push(l);
      l.start();
    };
    const startMain = () => {
      loop(spec.livenessProbe, (ok) => ok || void this.restartUnhealthy(spec, run));
      loop(
        spec.readinessProbe,
        (ok) => {
          status.ready = ok;
          this.changed();
        },
        true,
      );
    };
    if (spec.startupProbe) {
      loop(spec.startupProbe, (ok) => {
        if (!ok) return void this.restartUnhealthy(spec, run);
        run.probes[0].stop(); // as in Kubernetes, a startup probe ends with its first success
        status.started = true;
        status.ready = !spec.readinessProbe;
        startMain();
        this.changed();
      });
    } else startMain();
    this.changed();

    const exit = await process.exited;
    for (const probe of run.probes) probe.stop();
    if (this.running.get(spec.name) === run) this.running.delete(spec.name);
    status.ready = false;
    status.started = false;
    const ranFor = Date.now() - ((status.current.state === 'running' && status.current.startedAt) || Date.now());
    status.current = terminated(exit, status.current);
    if (this.terminating) return this.changed();
    const restart = this.spec.restartPolicy === 'Always' || (this.spec.restartPolicy === 'OnFailure' && exit.exitCode !== 0);
    if (!restart) {
      this.changed();
      if (this.spec.containers.every((c) => !this.running.has(c.name))) {
        const allOk = this.status.containerStatuses.every((s) => s.current.state === 'terminated' && s.current.exitCode === 0);
        allOk ? this.finish('Succeeded', 'Completed') : this.fail('Error', `container ${spec.name} exited with code ${exit.exitCode}`);
      }
      return;
    }
    // Kubernetes forgets earlier crashes once a container has run for 10 minutes.
    const crashes = ranFor >= BACKOFF_RESET_AFTER_MS ? 1 : (this.crashes.get(spec.name) ?? 0) + 1;
    this.crashes.set(spec.name, crashes);
    const wait = crashLoopDelayMs(crashes, this.timeScale);
    status.last = status.current;
    status.restartCount++;
    status.current = { state: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(wait / 1000)}s restarting failed container=${spec.name}` };
    this.changed();
    this.afterDelay(wait, () => void this.startContainer(spec, status));
  }

  private async restartUnhealthy(spec: RuntimeContainer, run: Running): Promise<void> {
    if (run.stopping || this.terminating) return;
    run.stopping = true;
    await run.process.stop(this.spec.terminationGracePeriodSeconds * 1000);
  }

  /** Wait `ms`, or less if the pod stops meanwhile. */
  private backOff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeUps.add(wake);
    });
  }

  private readonly wakeUps = new Set<() => void>();

  private afterDelay(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.terminating) fn();
    }, ms);
    this.restartTimers.add(timer);
  }

  /** Graceful stop: SIGTERM every container, SIGKILL after the grace period, then the sandbox. */
  stop(gracePeriodSeconds = this.spec.terminationGracePeriodSeconds): Promise<void> {
    this.stopped ??= this.doStop(gracePeriodSeconds);
    return this.stopped;
  }

  private async doStop(gracePeriodSeconds: number): Promise<void> {
    this.terminating = true;
    this.status.reason = 'Terminating';
    this.status.ready = false;
    for (const timer of this.restartTimers) clearTimeout(timer);
    for (const wake of this.wakeUps) wake();
    this.changed();
    // A stop that overtakes a start waits for the sandbox and any container
    // launch under way, then stops them like the rest.
    await this.starting?.catch(() => undefined);
    await Promise.all(this.launching);
    await Promise.all(
      [...this.running.values()].map((run) => {
        for (const probe of run.probes) probe.stop();
        run.stopping = true;
        return run.process.stop(gracePeriodSeconds * 1000);
      }),
    );
    await this.sandbox?.remove();
    this.changed();
  }

  private sandboxGone = false;

  private onSandboxExit(): void {
    this.sandboxGone = true;
    if (this.terminating) return;
    // The pod's process tree vanished under us (killed from outside): as with a
    // lost node, the pod is Failed and the controller replaces it.
    this.fail('Error', 'the pod sandbox exited unexpectedly');
  }

  private fail(reason: string, message: string): void {
    this.finish('Failed', reason, message);
  }

  private finish(phase: 'Failed' | 'Succeeded', reason: string, message?: string): void {
    this.status.phase = phase;
    this.status.reason = reason;
    this.status.message = message;
    this.status.ready = false;
    for (const run of this.running.values()) for (const probe of run.probes) probe.stop();
    this.changed();
  }

  private changed(): void {
    if (!this.terminating && this.status.phase !== 'Failed' && this.status.phase !== 'Succeeded') {
      const statuses = this.status.containerStatuses;
      const allRunning = statuses.every((s) => s.current.state === 'running');
      if (allRunning) this.status.phase = 'Running';
      const waiting = statuses.find((s) => s.current.state === 'waiting' && s.current.reason !== 'PodInitializing');
      const initDone = this.status.initContainerStatuses.every((s) => s.current.state === 'terminated' && s.current.exitCode === 0);
      if (initDone || this.status.initContainerStatuses.length === 0) {
        this.status.reason = waiting && waiting.current.state === 'waiting' ? waiting.current.reason : allRunning ? 'Running' : this.status.podIP ? 'PodInitializing' : 'ContainerCreating';
      }
      const ready = allRunning && statuses.every((s) => s.ready);
      if (ready && !this.status.ready) this.status.readySinceMs = Date.now();
      if (!ready) this.status.readySinceMs = undefined;
      this.status.ready = ready;
    }
    this.emit('change');
  }
}

function terminated(exit: ContainerExit, previous: ContainerStatus['current']): ContainerStatus['current'] {
  return {
    state: 'terminated',
    reason: exit.startError ? 'StartError' : exit.exitCode === 0 ? 'Completed' : 'Error',
    message: exit.startError,
    exitCode: exit.exitCode,
    startedAt: previous.state === 'running' ? previous.startedAt : undefined,
    finishedAt: Date.now(),
  };
}
