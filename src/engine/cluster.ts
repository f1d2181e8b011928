/**
 * The cluster: where emu's parts are put together, each a named part with its
 * dependencies handed in, as in Kubernetes itself — the API store (with its
 * per-type strategies), the scheduler, the controllers (StatefulSet,
 * Deployment, ReplicaSet, namespace, disruption), the kubelet, the endpoints controller,
 * cluster DNS, the service proxies, the volume provisioner and the fault controller. Everything reads and writes the API;
 * nothing talks to another part directly. It must run inside the node's
 * namespaces (see node/enter-node.ts); the daemon and `emu run` host it there.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { Node } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { strategies } from '../api/strategies.ts';
import { ApiStore, type ApiObject } from '../api/store.ts';
import { DeploymentController } from '../controller/deployment-controller.ts';
import { DisruptionController } from '../controller/disruption-controller.ts';
import { NamespaceController } from '../controller/namespace-controller.ts';
import { ReplicaSetController } from '../controller/replicaset-controller.ts';
import { revisionName } from '../controller/revision.ts';
import { StatefulSetApiController } from '../controller/statefulset-api-controller.ts';
import { EmuError } from '../errors.ts';
import { EventRecorder } from '../events/recorder.ts';
import { Kubelet, NODE_NAME } from '../kubelet/kubelet.ts';
import { ClusterDns } from '../network/cluster-dns.ts';
import { EndpointsController } from '../network/endpoints-controller.ts';
import { NodeNetwork, type NodeNetworkOptions } from '../network/node-network.ts';
import { installClusterHosts } from '../network/node-dns.ts';
import { ServiceProxies } from '../network/service-proxies.ts';
import { timeScaleFromEnv } from '../runtime/backoff.ts';
import { maxPodsFromEnv } from '../scheduler/node-capacity.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { VolumeProvisioner } from '../storage/volume-provisioner.ts';
import type { Progress } from '../util/progress.ts';
import { makeClusterDir, type ClusterPaths } from './cluster-paths.ts';
import type { ContainerRuntime, RuntimeName } from '../runtime/container-runtime.ts';
import { DockerRuntime } from '../runtime/docker/docker-runtime.ts';
import { NativeRuntime } from '../runtime/native/native-runtime.ts';
import { execInPod, type ExecResult } from '../kubelet/exec.ts';
import { FaultController } from '../chaos/fault-controller.ts';
import { FaultInjector } from '../chaos/injector.ts';

export interface ClusterOptions extends NodeNetworkOptions {
  paths: ClusterPaths;
  timeScale?: number;
  /** The node's pod capacity (default: EMU_MAX_PODS, else derived from the machine; see scheduler/node-capacity.ts). */
  maxPods?: number;
  /** Where pods run (default native); the Node object's containerRuntimeVersion shows it. */
  runtime?: RuntimeName;
}

const NAMESPACES = byKind('Namespace')!;
const NODES = byKind('Node')!;
const PODS = byKind('Pod')!;
const SETS = byKind('StatefulSet')!;
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** See Kubelet.terminate: long enough for kubectl's read-then-list after a delete. */
const KUBELET_FINAL_DELETE_DELAY_MS = 250;

export class Cluster {
  readonly store: ApiStore;
  readonly network: NodeNetwork;
  readonly events: EventRecorder;
  readonly kubelet: Kubelet;
  readonly dns: ClusterDns;
  readonly scheduler: Scheduler;
  /** Runs the pods' sandboxes and containers (set up by start). */
  runtime!: ContainerRuntime;
  private readonly statefulSets: StatefulSetApiController;
  private readonly replicaSets: ReplicaSetController;
  private readonly deployments: DeploymentController;
  private readonly namespaces: NamespaceController;
  private readonly disruption: DisruptionController;
  private readonly endpoints: EndpointsController;
  private readonly proxies: ServiceProxies;
  private readonly volumes: VolumeProvisioner;
  /** Chaos faults on this node's pods (Fault objects are applied by the fault controller). */
  readonly faults: FaultInjector;
  private readonly faultController: FaultController;

  private constructor(readonly options: ClusterOptions) {
    this.network = new NodeNetwork(options);
    this.store = new ApiStore(strategies(this.network.services));
    this.events = new EventRecorder(this.store);
    const report = (what: string) => (error: unknown) => console.error(`emu: ${what}:`, error);
    this.scheduler = new Scheduler(this.store, this.events, options.maxPods ?? maxPodsFromEnv());
    this.kubelet = new Kubelet({ store: this.store, network: this.network, paths: options.paths, events: this.events, timeScale: options.timeScale ?? timeScaleFromEnv(), finalDeleteDelayMs: KUBELET_FINAL_DELETE_DELAY_MS });
    this.statefulSets = new StatefulSetApiController(this.store, this.events);
    this.replicaSets = new ReplicaSetController(this.store, this.events);
    this.deployments = new DeploymentController(this.store, this.events);
    this.namespaces = new NamespaceController(this.store);
    this.disruption = new DisruptionController(this.store, this.events);
    this.endpoints = new EndpointsController(this.store);
    this.dns = new ClusterDns(this.store, options.paths.dns, report('cluster DNS write failed'));
    this.proxies = new ServiceProxies(this.store, this.network, report('service proxy failed'));
    this.volumes = new VolumeProvisioner(this.store, options.paths, report('volume provisioning failed'));
    this.faults = new FaultInjector({ store: this.store, kubelet: this.kubelet, events: this.events });
    this.faultController = new FaultController(this.store, this.faults);
  }

  get paths(): ClusterPaths {
    return this.options.paths;
  }

  /** Set up the node (bridge, DNS) in the current namespaces, start every part, return the cluster. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    const { paths } = options;
    await makeClusterDir(paths);
    await mkdir(paths.dns, { recursive: true });
    await rm(paths.pods, { recursive: true, force: true });
    await cluster.network.setUp();
    // Before installClusterHosts: the native runtime keeps the host's own /etc for pods.
    cluster.runtime =
      options.runtime === 'docker'
        ? await DockerRuntime.create({ paths, network: cluster.network })
        : await NativeRuntime.create({ stateDir: paths.run, network: cluster.network, seed: paths.root });
    for (const name of SYSTEM_NAMESPACES) cluster.store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    cluster.store.create(NODES, cluster.nodeObject());
    await cluster.dns.start(cluster.network.pods.gateway);
    await installClusterHosts(paths.run, paths.dns, cluster.network.pods.gateway);
    await cluster.volumes.start();
    cluster.scheduler.start();
    cluster.kubelet.start(cluster.runtime);
    cluster.statefulSets.start();
    cluster.replicaSets.start();
    cluster.deployments.start();
    cluster.namespaces.start();
    cluster.disruption.start();
    cluster.endpoints.start();
    cluster.proxies.start();
    cluster.faultController.start();
    return cluster;
  }

  private nodeObject(): Node & ApiObject {
    const capacity = { pods: String(this.scheduler.capacity), cpu: '2', memory: '0' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } },
      spec: { podCIDR: this.network.pods.cidr, podCIDRs: [this.network.pods.cidr] },
      status: {
        capacity,
        allocatable: capacity,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'emu is posting ready status', lastHeartbeatTime: this.store.timestamp(), lastTransitionTime: this.store.timestamp() }],
        addresses: [{ type: 'InternalIP', address: this.network.pods.gateway }, { type: 'Hostname', address: NODE_NAME }],
        nodeInfo: { kubeletVersion: 'v1.32.0-emu', kubeProxyVersion: 'v1.32.0-emu', containerRuntimeVersion: this.runtime.version, operatingSystem: 'linux', architecture: 'amd64', osImage: 'emu', kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
      },
    };
  }

  /**
   * Wait until `check` returns a value, re-checking after every change in the
   * API. Resolves only after cluster DNS has caught up, so a pod found Ready is
   * also resolvable by name.
   */
  async waitFor<T>(what: string, check: () => T | undefined, options: { timeoutMs: number; progress?: Progress }): Promise<T> {
    const value = await this.waitForState(what, check, options);
    await this.settled();
    return value;
  }

  /**
   * Resolves once every change so far has gone all the way through: the
   * endpoints controller's pass, the DNS render and write it causes, and the
   * service proxies.
   */
  async settled(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.endpoints.idle();
      await this.dns.idle();
      await this.proxies.settled();
    } while (this.endpoints.busy || this.dns.busy);
  }

  private waitForState<T>(what: string, check: () => T | undefined, options: { timeoutMs: number; progress?: Progress }): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new EmuError('TIMEOUT', `timed out after ${options.timeoutMs / 1000}s waiting for ${what}`)), options.timeoutMs);
      // Changes come in bursts (a sync writes many objects): check once after each burst, not
      // after every write, or a check that reads every pod costs pods × writes.
      let queued: NodeJS.Immediate | undefined;
      const recheck = () => {
        queued = undefined;
        options.progress?.update(`waiting for ${what}`);
        try {
          const value = check();
          if (value !== undefined) finish(undefined, value);
        } catch (error) {
          finish(error as Error);
        }
      };
      const stop = this.store.onChange(() => {
        queued ??= setImmediate(recheck);
      });
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        if (queued) clearImmediate(queued);
        stop();
        options.progress?.done();
        if (error) reject(error);
        else resolve(value as T);
      };
    });
  }

  /**
   * Wait until a StatefulSet has all its replicas Ready, no extra pods, and — for
   * RollingUpdate, as `kubectl rollout status` — every pod from the partition up
   * at the current template's revision.
   */
  waitForSetReady(namespace: string, name: string, options: { timeoutMs: number; progress?: Progress }): Promise<true> {
    return this.waitFor(
      `statefulset ${name} to be ready`,
      () => {
        const set = this.store.find<StatefulSet & ApiObject>(SETS, namespace, name);
        if (!set) throw new EmuError('NOT_FOUND', `statefulsets.apps "${name}" not found`);
        const pods = this.store.list(PODS, { namespace, unsorted: true }).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid));
        const want = set.spec?.replicas ?? 1;
        const ready = pods.filter((p) => !p.metadata.deletionTimestamp && (p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        const strategy = set.spec?.updateStrategy;
        const partition = strategy?.rollingUpdate?.partition ?? 0;
        const revision = revisionName(set);
        const updated = strategy?.type === 'OnDelete' || pods.every((p) => Number(/-(\d+)$/.exec(p.metadata.name)?.[1]) < partition || p.metadata.labels?.['controller-revision-hash'] === revision);
        options.progress?.update(`statefulset ${name}: ${ready}/${want} ready`);
        return pods.length === want && ready === want && updated ? true : undefined;
      },
      options,
    );
  }

  /** Run a command in a pod's container (like kubectl exec) and collect its output. */
  exec(namespace: string, pod: string, command: string[], options: { container?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return execInPod(this.kubelet, namespace, pod, command, options);
  }

  /** Names resolve exactly as pods see them: from the cluster hosts file. */
  resolve(name: string): string[] {
    return this.dns.resolve(name);
  }

  /** Stop every pod (each with its grace period) and the proxies. The node goes with the process. */
  async shutdown(): Promise<void> {
    // First undo every fault: a paused pod could not even stop gracefully.
    await this.faultController.stop();
    this.scheduler.stop();
    await this.statefulSets.stop();
    await this.deployments.stop();
    await this.replicaSets.stop();
    await this.disruption.stop();
    this.namespaces.stop();
    this.endpoints.stop();
    this.volumes.stop();
    await this.kubelet.shutdown();
    await this.runtime?.close();
    await this.dns.stop();
    await this.proxies.stop();
    this.network.close();
  }
}
