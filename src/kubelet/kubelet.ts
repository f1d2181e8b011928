/**
 * The kubelet: runs the pods the API binds to this node. For each Pod object
 * it builds the runtime's view (images, environment, volume directories),
 * starts a PodRuntime on the container runtime, and writes what the runtime observes back as the pod's
 * status. A deletion with a grace period stops the pod gracefully and then
 * removes the object (the kubelet's final delete); a pod removed from the API
 * outright (force delete) is killed. Container events (Pulled, Created,
 * Started, Killing, BackOff, Unhealthy) go to the event recorder.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import { claimDirectory, type ClusterPaths } from '../engine/cluster-paths.ts';
import { EmuError } from '../errors.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { NodeNetwork } from '../network/node-network.ts';
import type { ContainerRuntime, PodSandbox } from '../runtime/container-runtime.ts';
import { PodRuntime } from '../runtime/pod-runtime.ts';
import type { ContainerStatus } from '../runtime/pod-spec.ts';
import { buildPod } from './pod-spec-builder.ts';
import { podStatus } from './pod-status.ts';

export const NODE_NAME = 'emu';

const PODS = byKind('Pod')!;
const CONFIGMAPS = byKind('ConfigMap')!;
const SECRETS = byKind('Secret')!;
const CLAIMS = byKind('PersistentVolumeClaim')!;

/** How long a pod whose configuration is incomplete (missing ConfigMap, claim…) waits before the next try. */
const CONFIG_RETRY_MS = [500, 1000, 2000, 5000, 10_000];

type PodObject = Pod & ApiObject;

export interface KubeletOptions {
  store: ApiStore;
  network: NodeNetwork;
  paths: ClusterPaths;
  events: EventRecorder;
  timeScale: number;
  /** How long a stopped pod stays (Terminating, containers terminated) before its final delete. */
  finalDeleteDelayMs?: number;
}

/** One pod incarnation (one uid) on this node. */
export class PodWorker {
  runtime?: PodRuntime;
  /** Between the sandbox coming up and its processes all being gone (chaos's incarnation feed). */
  sandboxUp = false;
  private statusQueued = false;
  private stopping?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retries = 0;
  private lastReason = '';
  private readonly startedRuns = new Map<string, number>();

  constructor(
    private readonly kubelet: Kubelet,
    public pod: PodObject,
  ) {}

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  get scratchDir(): string {
    return join(this.kubelet.options.paths.pods, this.pod.metadata.namespace!, this.pod.metadata.name, this.uid.slice(0, 8));
  }

  async start(): Promise<void> {
    const { options } = this.kubelet;
    let spec;
    try {
      spec = await buildPod(this.pod, this.scratchDir, {
        configMap: (ns, name) => options.store.find(CONFIGMAPS, ns, name) as never,
        secret: (ns, name) => options.store.find(SECRETS, ns, name) as never,
        claimDir: (ns, claim) => {
          if (!options.store.find(CLAIMS, ns, claim)) throw new EmuError('NOT_FOUND', `persistentvolumeclaim "${claim}" not found`);
          return claimDirectory(options.paths, ns, claim);
        },
        dnsDir: options.paths.dns,
        hostIP: options.network.pods.gateway,
        imageFiles: this.kubelet.runtime.imageFiles,
      });
    } catch (error) {
      return this.configFailed(error);
    }
    if (this.stopping) return;
    const runtime = new PodRuntime(spec, this.kubelet.runtime, options.timeScale);
    this.runtime = runtime;
    runtime.on('change', () => this.changed());
    runtime.on('event', (e) => this.event(e.type, e.reason, e.message));
    try {
      await runtime.start();
      const ref = { namespace: this.pod.metadata.namespace!, name: this.pod.metadata.name, uid: this.uid };
      this.kubelet.lifecycle.emit('started', ref);
      this.sandboxUp = true;
      void runtime.exited?.then(() => {
        this.sandboxUp = false;
        this.kubelet.lifecycle.emit('ended', ref);
      });
    } catch (error) {
      this.event('Warning', 'FailedCreatePodSandBox', (error as Error).message);
      this.kubelet.writeStatus(this, { phase: 'Failed', reason: 'Error', message: (error as Error).message });
    }
  }

  /** CreateContainerConfigError (or an unknown image): shown as the containers' waiting reason, retried. */
  private configFailed(error: unknown): void {
    const message = (error as Error).message;
    const reason = error instanceof EmuError && error.code === 'IMAGE_UNKNOWN' ? 'ErrImagePull' : 'CreateContainerConfigError';
    if (message !== this.lastReason) this.event('Warning', 'Failed', `Error: ${message}`);
    this.lastReason = message;
    const waiting = (c: { name: string; image?: string }) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason, message } }, lastState: {} });
    this.kubelet.writeStatus(this, { phase: 'Pending', containerStatuses: (this.pod.spec?.containers ?? []).map(waiting) });
    const delay = CONFIG_RETRY_MS[Math.min(this.retries++, CONFIG_RETRY_MS.length - 1)];
    this.retryTimer = setTimeout(() => {
      if (!this.stopping) void this.start();
    }, delay);
  }

  /** Stop gracefully (or at once with 0); resolves when every process is gone. */
  stop(graceSeconds?: number): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.retryTimer);
      if (this.runtime) {
        this.event('Normal', 'Killing', `Stopping container ${this.runtime.spec.containers.map((c) => c.name).join(', ')}`);
        await this.runtime.stop(graceSeconds);
      }
      await rm(this.scratchDir, { recursive: true, force: true }).catch(() => undefined);
    })();
    return this.stopping;
  }

  get terminating(): boolean {
    return Boolean(this.stopping);
  }

  private changed(): void {
    this.containerEvents();
    if (this.statusQueued) return;
    this.statusQueued = true;
    queueMicrotask(() => {
      this.statusQueued = false;
      if (this.runtime) this.kubelet.writeStatus(this, podStatus(this.runtime.status, this.kubelet.options.network.pods.gateway, this.pod.status));
    });
  }

  /** Kubernetes' container events, once per container run. */
  private containerEvents(): void {
    const status = this.runtime!.status;
    const all: ContainerStatus[] = [...status.initContainerStatuses, ...status.containerStatuses];
    for (const c of all) {
      const run = c.restartCount;
      if (c.current.state === 'running' && this.startedRuns.get(c.name) !== run) {
        this.startedRuns.set(c.name, run);
        this.event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
        this.event('Normal', 'Created', `Created container ${c.name}`);
        this.event('Normal', 'Started', `Started container ${c.name}`);
      }
    }
    if (status.reason !== this.lastReason) {
      if (status.reason === 'CrashLoopBackOff' || status.reason === 'Init:CrashLoopBackOff') this.event('Warning', 'BackOff', 'Back-off restarting failed container');
      if (status.phase === 'Failed') this.event('Warning', 'Failed', status.message ?? 'pod failed');
      this.lastReason = status.reason;
    }
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.kubelet.options.events.record(this.pod, { component: 'kubelet' }, type, reason, message);
  }
}

/** One pod incarnation, as the kubelet's lifecycle events name it. */
export interface PodIncarnationRef {
  namespace: string;
  name: string;
  uid: string;
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  /** `started`: an incarnation's sandbox is up; `ended`: its processes are all gone. */
  readonly lifecycle = new EventEmitter<{ started: [PodIncarnationRef]; ended: [PodIncarnationRef] }>();
  private watch?: Watch;
  private shuttingDown = false;
  private containerRuntime?: ContainerRuntime;

  constructor(readonly options: KubeletOptions) {}

  /** The container runtime pods run on (given to start). */
  get runtime(): ContainerRuntime {
    if (!this.containerRuntime) throw new Error('the kubelet has not been started');
    return this.containerRuntime;
  }

  start(runtime: ContainerRuntime): void {
    this.containerRuntime = runtime;
    this.watch = this.options.store.watch(PODS, {}, (event) => {
      const pod = event.object as PodObject;
      if (pod.spec?.nodeName !== NODE_NAME) return;
      if (event.type === 'DELETED') return void this.removed(pod);
      this.observed(pod);
    });
  }

  /** The worker running a pod (by namespace and name), if any. */
  worker(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w;
    return undefined;
  }

  /*
   * What chaos faults may do to a running pod, in one small set so that the
   * runtime behind it can change without touching the chaos engine.
   */

  /** Signal every process of the pod at once (pod-kill: SIGKILL; pause: SIGSTOP, then SIGCONT). */
  async signalPod(namespace: string, name: string, signal: NodeJS.Signals): Promise<void> {
    const sandbox = this.runningPod(namespace, name).podSandbox;
    if (!sandbox) throw new EmuError('RUNTIME_FAILED', `pod "${name}" has no running sandbox`);
    await sandbox.signalAll(signal);
  }

  /** Signal every process of one container (container-kill: SIGKILL, and the pod restarts it). */
  async signalContainer(namespace: string, name: string, container: string, signal: NodeJS.Signals): Promise<void> {
    const running = this.runningPod(namespace, name).container(container);
    if (!running) throw new EmuError('RUNTIME_FAILED', `container ${container} of pod "${name}" is not running`);
    await running.signalAll(signal);
  }

  /** The pod's sandbox (to run nft and tc in its network namespace) and address, for network faults. */
  podNetwork(namespace: string, name: string): { sandbox: PodSandbox; ip: string } {
    const runtime = this.runningPod(namespace, name);
    const sandbox = runtime.podSandbox;
    if (!sandbox || !runtime.status.podIP) throw new EmuError('RUNTIME_FAILED', `pod "${name}" has no network yet`);
    return { sandbox, ip: runtime.status.podIP };
  }

  /** The incarnations whose sandbox is up now. */
  runningPods(): PodIncarnationRef[] {
    return [...this.workers.values()].filter((w) => w.sandboxUp).map((w) => ({ namespace: w.pod.metadata.namespace!, name: w.pod.metadata.name, uid: w.uid }));
  }

  private runningPod(namespace: string, name: string): PodRuntime {
    const worker = [...this.workers.values()].find((w) => w.pod.metadata.namespace === namespace && w.pod.metadata.name === name && !w.terminating && w.runtime);
    if (!worker?.runtime || worker.runtime.isTerminating || worker.runtime.status.phase === 'Failed') throw new EmuError('RUNTIME_FAILED', `pod "${name}" is not running`);
    return worker.runtime;
  }

  workerFor(pod: ApiObject): PodWorker | undefined {
    return this.workers.get(pod.metadata.uid!);
  }

  /** Stop every pod, each with its grace period; the node goes with the process. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.watch?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  private observed(pod: PodObject): void {
    const uid = pod.metadata.uid!;
    let worker = this.workers.get(uid);
    if (!worker) {
      if (this.shuttingDown) return;
      worker = new PodWorker(this, pod);
      this.workers.set(uid, worker);
      if (!pod.metadata.deletionTimestamp) void worker.start();
    }
    worker.pod = pod;
    if (pod.metadata.deletionTimestamp && !worker.terminating) void this.terminate(worker, pod.metadata.deletionGracePeriodSeconds ?? undefined);
  }

  /** Graceful deletion: stop, then the final delete that removes the object. */
  private async terminate(worker: PodWorker, graceSeconds: number | undefined): Promise<void> {
    await worker.stop(graceSeconds);
    this.workers.delete(worker.uid);
    // The stopped pod shows its terminated containers for a moment before it goes, as a
    // kubelet's status sync does. Clients rely on it: `kubectl delete` reads the pod, then
    // lists it to start a watch, and would wait forever if the pod had already been replaced
    // by its successor (same name, new uid) in between.
    if (this.options.finalDeleteDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.finalDeleteDelayMs));
    try {
      this.options.store.delete(PODS, worker.pod.metadata.namespace, worker.pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: worker.uid } });
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
    }
  }

  /** Removed from the API without waiting for us (force delete, namespace gone): stop what still runs. */
  private async removed(pod: PodObject): Promise<void> {
    const worker = this.workers.get(pod.metadata.uid!);
    if (!worker) return;
    await worker.stop(pod.metadata.deletionGracePeriodSeconds ?? 0);
    this.workers.delete(worker.uid);
  }

  /** Write a pod's status, if that incarnation still exists. */
  writeStatus(worker: PodWorker, status: Pod['status']): void {
    const { store } = this.options;
    const current = store.find<PodObject>(PODS, worker.pod.metadata.namespace, worker.pod.metadata.name);
    if (!current || current.metadata.uid !== worker.uid) return;
    worker.pod = store.mutate<PodObject>(PODS, current.metadata.namespace, current.metadata.name, (draft) => {
      draft.status = { ...draft.status, ...status };
    }, { subresource: 'status' });
  }
}
