import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crashLoopDelayMs, BACKOFF_RESET_AFTER_MS } from './backoff.ts';
import { ContainerProcess, containerEnv, type ContainerExit } from './container-process.ts';
import { execInContainer, ProbeLoop, type ProbeSpec } from './probe.ts';
import type { ContainerStatus, PodStatus, RuntimeContainer, RuntimePodSpec } from './pod-spec.ts';
import { Sandbox, type PodNetwork } from './sandbox.ts';
import { EmuError } from '../errors.ts';
import { processTree, signalPidNamespace, signalQuietly } from '../util/proc.ts';


interface Running {
  process: ContainerProcess;
  probes: ProbeLoop[];
  /** Set when emu itself is stopping this run (liveness restart or pod stop). */
  stopping: boolean;
}

/**
 * One incarnation of a pod: sandbox, network, init containers one after another,
 * then the containers with probes and restarts (restartPolicy, CrashLoopBackOff).
 * Emits 'change' whenever anything kubectl would show changes.
 */
export class PodRuntime extends EventEmitter<{ change: [] }> {
  readonly status: PodStatus;
  private sandbox?: Sandbox;
  private readonly running = new Map<string, Running>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private crashes = new Map<string, number>();
  private terminating = false;
  private stopped?: Promise<void>;

  constructor(
    readonly spec: RuntimePodSpec,
    private readonly network: PodNetwork,
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

  private async doStart(): Promise<void> {
    await mkdir(join(this.spec.scratchDir, 'logs'), { recursive: true });
    const { sandbox, ip } = await Sandbox.start(this.spec.hostname, this.network);
    this.sandbox = sandbox;
    this.status.podIP = ip;
    void sandbox.exited.then(() => this.onSandboxExit());
    this.changed();
    if (!this.terminating) void this.runInitThenContainers();
  }

  private starting?: Promise<void>;

  logFile(container: string, restartCount: number): string {
    return join(this.spec.scratchDir, 'logs', `${container}.${restartCount}.log`);
  }

  /** nsenter arguments and environment for running a command in a container (emu exec). */
  execTarget(container: string): { nsenter: string[]; env: string[] } | undefined {
    const run = this.running.get(container);
    const spec = this.spec.containers.find((c) => c.name === container);
    if (!run || !spec || !run.process.mainPid) return undefined;
    return { nsenter: run.process.nsenterArgs(), env: containerEnv(spec, this.spec.hostname, this.status.podIP ?? '') };
  }

  /** The pod's network namespace, for network faults (nsenter --net=…); undefined before the sandbox is up. */
  get netnsPath(): string | undefined {
    return this.sandbox && !this.terminating ? `/proc/${this.sandbox.initPid}/ns/net` : undefined;
  }

  /** Resolves when the pod's processes are gone (the sandbox's PID namespace died). */
  get exited(): Promise<void> | undefined {
    return this.sandbox?.exited;
  }

  /**
   * Send a signal to every process of the pod at once, its init included (chaos:
   * SIGKILL is a crashed node, SIGSTOP/SIGCONT a frozen one). Returns how many got it.
   */
  async signalAll(signal: NodeJS.Signals): Promise<number> {
    if (!this.sandbox) throw new EmuError('RUNTIME_FAILED', `pod ${this.spec.hostname} has no running sandbox`);
    return signalPidNamespace(this.sandbox.initPid, signal);
  }

  /**
   * Send a signal to one container's processes — its main process and every
   * descendant, at once, as a runtime signals a container's cgroup (chaos:
   * container-kill → the container restarts). Returns how many got it.
   */
  async signalContainer(container: string, signal: NodeJS.Signals): Promise<number> {
    const run = this.running.get(container);
    if (!run?.process.mainPid) throw new EmuError('RUNTIME_FAILED', `container ${container} of pod ${this.spec.hostname} is not running`);
    const tree = await processTree(run.process.mainPid);
    for (const pid of tree) signalQuietly(pid, signal);
    return tree.length;
  }

  private async runInitThenContainers(): Promise<void> {
    const inits = this.spec.initContainers;
    for (let i = 0; i < inits.length; i++) {
      this.status.reason = `Init:${i}/${inits.length}`;
      this.changed();
      for (;;) {
        if (this.terminating || this.sandboxGone) return;
        const status = this.status.initContainerStatuses[i];
        const exit = await this.runToCompletion(inits[i], status);
        if (this.terminating) return;
        if (exit.exitCode === 0) break;
        if (this.spec.restartPolicy === 'Never') return this.fail('Init:Error', `init container ${inits[i].name} exited with code ${exit.exitCode}`);
        status.restartCount++;
        const wait = crashLoopDelayMs(status.restartCount, this.timeScale);
        status.current = { state: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(wait / 1000)}s restarting failed container=${inits[i].name}` };
        this.status.reason = 'Init:CrashLoopBackOff';
        this.changed();
        await new Promise<void>((resolve) => this.afterDelay(wait, resolve));
      }
    }
    if (this.terminating) return;
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
   * Start one run of a container. A launch that fails (ContainerProcess.start
   * never throws) looks like an immediate exit, so restarts and back-off apply.
   * A pod stop that comes during the launch waits for it (see doStop), and the
   * fresh process gets its SIGTERM here.
   */
  private launch(spec: RuntimeContainer, status: ContainerStatus): Promise<ContainerProcess> {
    const launching = (async () => {
      const process = await ContainerProcess.start({
        sandbox: this.sandbox!,
        spec,
        hostname: this.spec.hostname,
        podIP: this.status.podIP!,
        scratchDir: join(this.spec.scratchDir, 'containers', spec.name),
        dnsDir: this.spec.dnsDir,
        logFile: this.logFile(spec.name, status.restartCount),
      });
      status.current = { state: 'running', startedAt: Date.now() };
      if (this.terminating) await process.stop(this.spec.terminationGracePeriodSeconds * 1000);
      return process;
    })();
    this.launching.add(launching);
    void launching.finally(() => this.launching.delete(launching));
    return launching;
  }

  private readonly launching = new Set<Promise<ContainerProcess>>();

  private sandboxGone = false;

  private async startContainer(spec: RuntimeContainer, status: ContainerStatus): Promise<void> {
    if (this.terminating || this.sandboxGone) return;
    const process = await this.launch(spec, status);
    const run: Running = { process, probes: [], stopping: false };
    this.running.set(spec.name, run);
    status.started = !spec.startupProbe;
    status.ready = status.started && !spec.readinessProbe;
    const target = {
      podIP: this.status.podIP!,
      exec: (command: string[], timeoutMs: number) => execInContainer(process.nsenterArgs(), containerEnv(spec, this.spec.hostname, this.status.podIP!), command, timeoutMs),
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

  private afterDelay(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.terminating && !this.sandboxGone) fn();
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
    await this.sandbox?.kill();
    if (this.status.podIP) this.network.detachPod(this.status.podIP);
    this.changed();
  }

  private onSandboxExit(): void {
    this.sandboxGone = true;
    // Never start a container again: nsenter into a dead sandbox's PID could
    // enter whatever process has that number now (the node itself).
    for (const timer of this.restartTimers) clearTimeout(timer);
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
    reason: exit.exitCode === 0 ? 'Completed' : 'Error',
    exitCode: exit.exitCode,
    startedAt: previous.state === 'running' ? previous.startedAt : undefined,
    finishedAt: Date.now(),
  };
}
