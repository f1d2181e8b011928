import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EmuError } from '../errors.ts';
import { parsePodName } from '../controller/pod-identity.ts';
import { revisionName } from '../controller/revision.ts';
import { claimsToDeleteWithSet } from '../controller/retention.ts';
import type { PodControl } from '../controller/pod-control.ts';
import { StatefulSetController, type ControllerEvent } from '../controller/statefulset-controller.ts';
import { setKey, type PodView, type DeleteReason } from '../controller/types.ts';
import type { KubeObject, LoadedManifest, ServiceObject, StatefulSetObject } from '../manifest/types.ts';
import { renderHostsFile, writeHostsFile } from '../network/hosts-file.ts';
import { NodeNetwork, type NodeNetworkOptions } from '../network/node-network.ts';
import { installClusterHosts } from '../network/node-dns.ts';
import { ServiceProxy } from '../network/service-proxy.ts';
import type { ContainerRuntime } from '../runtime/container-runtime.ts';
import { execCollect } from '../runtime/exec.ts';
import { NativeRuntime } from '../runtime/native/native-runtime.ts';
import { PodRuntime } from '../runtime/pod-runtime.ts';
import type { PodStatus } from '../runtime/pod-spec.ts';
import { timeScaleFromEnv } from '../runtime/backoff.ts';
import type { Progress } from '../util/progress.ts';
import { makeClusterDir, type ClusterPaths } from './cluster-paths.ts';
import { dnsServices, selectorMatches, targetPortFor, type EndpointPod } from './endpoints.ts';
import { ObjectStore, RESOURCE_NAMES, type ApplyOutcome } from './object-store.ts';
import { maxPodsFromEnv } from './node-capacity.ts';
import { buildPod } from './pod-builder.ts';

export interface PodRecord {
  uid: string;
  name: string;
  namespace: string;
  setName: string;
  ordinal: number;
  revision: string;
  labels: Record<string, string>;
  hostname: string;
  subdomain: string;
  createdAt: number;
  claimDirs: string[];
  namedPorts: Record<string, number>;
  runtime: PodRuntime;
  /** Assigned to the node: false while it waits for room (see maxPods). */
  scheduled: boolean;
  deleting?: Promise<void>;
}

export interface ClusterEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `Pod/<ns>/<name>` or `StatefulSet/<ns>/<name>`. */
  object: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

export interface ClusterOptions extends NodeNetworkOptions {
  paths: ClusterPaths;
  timeScale?: number;
  /** The node's pod capacity (default: EMU_MAX_PODS, else derived from the machine; see node-capacity.ts). */
  maxPods?: number;
}

/**
 * The in-process engine: object store, StatefulSet controller, pod runtime, node
 * network, DNS and service proxies. It must run inside the node's namespaces
 * (see node/enter-node.ts); the daemon and `emu run` host it there.
 */
export class Cluster extends EventEmitter<{ change: [] }> {
  readonly objects = new ObjectStore();
  readonly network: NodeNetwork;
  /** Runs the pods' sandboxes and containers (set up by start). */
  runtime!: ContainerRuntime;
  readonly events: ClusterEvent[] = [];
  private readonly pods = new Map<string, PodRecord>();
  private readonly controller: StatefulSetController;
  private readonly proxies = new Map<string, { ip: string; proxies: ServiceProxy[]; ports: unknown }>();
  private readonly timeScale: number;
  readonly maxPods: number;
  /** Pods waiting for room on the node, first come first served. */
  private readonly unscheduled: PodRecord[] = [];
  private hostsContent = '';
  private dnsQueued = false;
  private dnsWrites: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  private constructor(readonly options: ClusterOptions) {
    super();
    this.setMaxListeners(0);
    this.network = new NodeNetwork(options);
    this.timeScale = options.timeScale ?? timeScaleFromEnv();
    this.maxPods = options.maxPods ?? maxPodsFromEnv();
    this.controller = new StatefulSetController({
      podControl: this.podControl(),
      listPods: (key) => this.podViews(key),
      recorder: (e) => this.record(e),
    });
  }

  get paths(): ClusterPaths {
    return this.options.paths;
  }

  /** Set up the node (bridge, DNS) in the current namespaces and return the engine. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    const { paths } = options;
    await makeClusterDir(paths);
    await mkdir(paths.dns, { recursive: true });
    await mkdir(paths.volumes, { recursive: true });
    await rm(paths.pods, { recursive: true, force: true });
    await cluster.network.setUp();
    // Before installClusterHosts: the runtime keeps the host's own /etc for pods.
    cluster.runtime = await NativeRuntime.create({ stateDir: paths.run, network: cluster.network, seed: paths.root });
    await writeHostsFile(paths.dns, renderHostsFile([]));
    await installClusterHosts(paths.run, paths.dns, cluster.network.pods.gateway);
    return cluster;
  }

  // ---- objects ------------------------------------------------------------

  /** kubectl apply: create or update each object; returns kubectl's lines. */
  async apply(manifests: readonly LoadedManifest[]): Promise<{ object: KubeObject; outcome: ApplyOutcome; line: string }[]> {
    // Checked for all objects first, so a refused update leaves nothing half-applied.
    for (const m of manifests) if (m.object.kind === 'StatefulSet') this.checkStatefulSetUpdate(m);
    const results = [];
    // ConfigMaps and Secrets first, Services next, so pods find what they reference.
    const order: KubeObject['kind'][] = ['ConfigMap', 'Secret', 'Service', 'StatefulSet'];
    const sorted = [...manifests].sort((a, b) => order.indexOf(a.object.kind) - order.indexOf(b.object.kind));
    for (const { object } of sorted) {
      const outcome = this.objects.apply(object);
      if (outcome !== 'unchanged') {
        if (object.kind === 'Service') await this.syncServiceProxy(object);
        if (object.kind === 'StatefulSet') this.controller.upsert(object);
      }
      results.push({ object, outcome, line: `${RESOURCE_NAMES[object.kind]}/${object.metadata.name} ${outcome}` });
    }
    // Report in the order the user wrote them, as kubectl does.
    results.sort((a, b) => manifests.findIndex((m) => m.object === a.object) - manifests.findIndex((m) => m.object === b.object));
    this.queueDnsUpdate();
    this.emit('change');
    return results;
  }

  /** The API server's rule: only some StatefulSet spec fields may change after creation. */
  private checkStatefulSetUpdate({ object, source }: LoadedManifest): void {
    const set = object as StatefulSetObject;
    const existing = this.objects.get('StatefulSet', set.metadata.namespace, set.metadata.name);
    if (!existing) return;
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const fixed = (s: StatefulSetObject) => Object.fromEntries(Object.entries(s.spec).filter(([k]) => !mutable.includes(k)));
    if (!isDeepStrictEqual(fixed(existing), fixed(set))) {
      throw new EmuError(
        'MANIFEST_INVALID',
        `${source.file}:${source.line}:${source.col}: The StatefulSet "${set.metadata.name}" is invalid: spec: Forbidden: updates to statefulset spec for fields other than ${mutable.map((f) => `'${f}'`).join(', ')} are forbidden`,
      );
    }
  }

  statefulSet(namespace: string, name: string): StatefulSetObject {
    const set = this.objects.get('StatefulSet', namespace, name);
    if (!set) throw new EmuError('NOT_FOUND', `statefulsets.apps "${name}" not found`);
    return set;
  }

  setStatus(set: StatefulSetObject) {
    return this.controller.status(setKey(set));
  }

  setHistory(set: StatefulSetObject) {
    return this.controller.history(setKey(set));
  }

  /**
   * kubectl delete statefulset: the controller lets go, every pod is stopped
   * (Kubernetes' garbage collector deletes them all at once), and claims go only
   * under persistentVolumeClaimRetentionPolicy.whenDeleted: Delete.
   */
  async deleteStatefulSet(namespace: string, name: string): Promise<void> {
    const set = this.statefulSet(namespace, name);
    await this.controller.remove(setKey(set));
    this.objects.delete('StatefulSet', namespace, name);
    await Promise.all(this.listPods(namespace).filter((p) => p.setName === name).map((p) => this.stopPod(p)));
    // Every ordinal with a claim `<template>-<set>-<ordinal>`, scaled-down ones included (names are DNS labels: regex-safe).
    const patterns = (set.spec.volumeClaimTemplates ?? []).map((t) => new RegExp(`^${t.metadata!.name}-${name}-(\\d+)$`));
    const ordinals = (await this.claims())
      .filter((c) => c.namespace === namespace)
      .flatMap((c) => patterns.flatMap((p) => p.exec(c.name)?.[1] ?? []).map(Number));
    for (const action of claimsToDeleteWithSet(set, ordinals)) await this.podControl().deleteClaims(set, action.ordinal);
    this.emit('change');
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new EmuError('USAGE', `--replicas must be a non-negative integer, got ${replicas}`);
    const set = structuredClone(this.statefulSet(namespace, name));
    set.spec.replicas = replicas;
    this.objects.apply(set);
    this.controller.upsert(set);
    this.emit('change');
  }

  // ---- pods ---------------------------------------------------------------

  listPods(namespace?: string): PodRecord[] {
    return [...this.pods.values()]
      .filter((p) => !namespace || p.namespace === namespace)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.setName.localeCompare(b.setName) || a.ordinal - b.ordinal);
  }

  pod(namespace: string, name: string): PodRecord {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) throw new EmuError('NOT_FOUND', `pods "${name}" not found`);
    return pod;
  }

  /** kubectl delete pod: graceful stop; the StatefulSet controller then recreates it. */
  async deletePod(namespace: string, name: string, options: { wait?: boolean; gracePeriodSeconds?: number } = {}): Promise<void> {
    const pod = this.pod(namespace, name);
    const done = this.stopPod(pod, options.gracePeriodSeconds);
    if (options.wait ?? true) await done;
  }

  /**
   * Wait until a condition on the cluster holds, re-checking on every change.
   * Resolves only after the DNS shim has caught up, so a pod found Ready is
   * also resolvable by name.
   */
  async waitFor<T>(what: string, check: () => T | undefined, options: { timeoutMs: number; progress?: Progress }): Promise<T> {
    const value = await this.waitForState(what, check, options);
    await this.dnsSettled();
    return value;
  }

  /** Resolves once every endpoint change so far is in the hosts file. */
  async dnsSettled(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.dnsWrites;
  }

  private async waitForState<T>(what: string, check: () => T | undefined, options: { timeoutMs: number; progress?: Progress }): Promise<T> {
    const first = check();
    if (first !== undefined) return first;
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new EmuError('TIMEOUT', `timed out after ${options.timeoutMs / 1000}s waiting for ${what}`)), options.timeoutMs);
      const onChange = () => {
        options.progress?.update(`waiting for ${what}`);
        try {
          const value = check();
          if (value !== undefined) finish(undefined, value);
        } catch (error) {
          finish(error as Error);
        }
      };
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.off('change', onChange);
        options.progress?.done();
        error ? reject(error) : resolve(value as T);
      };
      this.on('change', onChange);
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
        const set = this.statefulSet(namespace, name);
        const pods = this.listPods(namespace).filter((p) => p.setName === name);
        const want = set.spec.replicas ?? 1;
        const ready = pods.filter((p) => p.runtime.status.ready && !p.runtime.isTerminating).length;
        const strategy = set.spec.updateStrategy;
        const partition = strategy?.rollingUpdate?.partition ?? 0;
        const updated = strategy?.type === 'OnDelete' || pods.every((p) => p.ordinal < partition || p.revision === revisionName(set));
        options.progress?.update(`statefulset ${name}: ${ready}/${want} ready`);
        return pods.length === want && ready === want && updated ? true : undefined;
      },
      options,
    );
  }

  /** Run a command in a pod's container (like kubectl exec) and collect its output. */
  async exec(namespace: string, podName: string, command: string[], options: { container?: string; timeoutMs?: number } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const pod = this.pod(namespace, podName);
    const container = options.container ?? pod.runtime.spec.containers[0].name;
    const target = pod.runtime.container(container);
    if (!target) throw new EmuError('NOT_FOUND', `container ${container} is not running in pod ${podName}`);
    const result = await execCollect(target, command, options.timeoutMs ?? 60_000);
    return { exitCode: result.timedOut ? 1 : result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  /** Names resolve exactly as pods see them: from the cluster hosts file. */
  resolve(name: string): string[] {
    return this.hostsContent
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/\s+/))
      .filter(([, ...names]) => names.includes(name))
      .map(([ip]) => ip);
  }

  claims(): Promise<{ namespace: string; name: string; dir: string; createdAt: number }[]> {
    return listClaims(this.paths.volumes);
  }

  claimDir(namespace: string, claim: string): string {
    return join(this.paths.volumes, namespace, claim);
  }

  /** Stop every pod (each with its grace period) and the proxies. The node goes with the process. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.controller.stop();
    await Promise.all([...this.pods.values()].map((p) => this.stopPod(p)));
    await Promise.all([...this.proxies.values()].flatMap((p) => p.proxies.map((x) => x.stop())));
  }

  // ---- internals ------------------------------------------------------------

  private podControl(): PodControl {
    return {
      createPod: (set, ordinal, revision) => this.createPod(set as StatefulSetObject, ordinal, revision),
      deletePod: async (namespace, name, reason: DeleteReason) => {
        const pod = this.pods.get(`${namespace}/${name}`);
        if (pod) void this.stopPod(pod, undefined, reason);
      },
      deleteClaims: async (set, ordinal) => {
        for (const t of set.spec?.volumeClaimTemplates ?? []) {
          await rm(this.claimDir(set.metadata!.namespace!, `${t.metadata!.name}-${set.metadata!.name}-${ordinal}`), { recursive: true, force: true });
        }
      },
    };
  }

  private async createPod(set: StatefulSetObject, ordinal: number, revision: string): Promise<void> {
    if (this.shuttingDown) return;
    const namespace = set.metadata.namespace;
    const uid = randomUUID();
    const name = `${set.metadata.name}-${ordinal}`;
    const scratch = join(this.paths.pods, namespace, name, uid.slice(0, 8));
    const built = await buildPod(set, ordinal, revision, uid, scratch, {
      configMap: (ns, n) => this.objects.get('ConfigMap', ns, n),
      secret: (ns, n) => this.objects.get('Secret', ns, n),
      claimDir: (ns, claim) => this.claimDir(ns, claim),
      dnsDir: this.paths.dns,
      hostIP: this.network.pods.gateway,
    });
    const runtime = new PodRuntime(built.spec, this.runtime, this.timeScale);
    const templateSpec = set.spec.template.spec!;
    const record: PodRecord = {
      uid,
      name,
      namespace,
      setName: set.metadata.name,
      ordinal,
      revision,
      labels: built.identity.labels,
      hostname: built.identity.hostname,
      subdomain: built.identity.subdomain,
      createdAt: Date.now(),
      claimDirs: built.identity.claimNames.map((c) => this.claimDir(namespace, c)),
      namedPorts: Object.fromEntries(templateSpec.containers.flatMap((c) => c.ports ?? []).filter((p) => p.name).map((p) => [p.name!, p.containerPort])),
      runtime,
      scheduled: false,
    };
    this.pods.set(`${namespace}/${name}`, record);
    const podObject = `Pod/${namespace}/${name}`;
    runtime.on('event', (event) => this.record({ ...event, object: podObject }));
    let last: PodStatus['reason'] = '';
    runtime.on('change', () => {
      const status = runtime.status;
      if (status.reason !== last) {
        if (status.reason === 'CrashLoopBackOff') this.record({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', object: podObject });
        if (status.phase === 'Failed') this.record({ type: 'Warning', reason: 'Failed', message: status.message ?? 'pod failed', object: podObject });
        last = status.reason;
      }
      this.podChanged(record);
    });
    if (this.scheduledPods() < this.maxPods) return this.schedule(record);
    // No room on the node: the pod waits, Pending, as Kubernetes' scheduler leaves it.
    this.unscheduled.push(record);
    this.record({ type: 'Warning', reason: 'FailedScheduling', message: `0/1 nodes are available: 1 Too many pods.`, object: podObject });
  }

  private scheduledPods(): number {
    return [...this.pods.values()].filter((p) => p.scheduled).length;
  }

  /** Assign a pod to the node and start it; its sandbox comes up (or is retried) in the background. */
  private schedule(pod: PodRecord): void {
    const podObject = `Pod/${pod.namespace}/${pod.name}`;
    pod.scheduled = true;
    this.record({ type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.namespace}/${pod.name} to emu`, object: podObject });
    void pod.runtime.start().then(
      () => pod.runtime.status.podIP && this.record({ type: 'Normal', reason: 'Started', message: `Started pod sandbox with IP ${pod.runtime.status.podIP}`, object: podObject }),
      (error: Error) => this.record({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: error.message, object: podObject }),
    );
    this.podChanged(pod);
  }

  /** Room freed up: start waiting pods, oldest first. */
  private scheduleWaiting(): void {
    while (this.unscheduled.length > 0 && this.scheduledPods() < this.maxPods) this.schedule(this.unscheduled.shift()!);
  }

  private stopPod(pod: PodRecord, gracePeriodSeconds?: number, reason?: DeleteReason): Promise<void> {
    pod.deleting ??= (async () => {
      this.record({ type: 'Normal', reason: 'Killing', message: `Stopping pod ${pod.name}${reason ? ` (${reason})` : ''}`, object: `Pod/${pod.namespace}/${pod.name}` });
      const waiting = this.unscheduled.indexOf(pod);
      if (waiting >= 0) this.unscheduled.splice(waiting, 1);
      await pod.runtime.stop(gracePeriodSeconds);
      this.pods.delete(`${pod.namespace}/${pod.name}`);
      if (pod.scheduled) this.scheduleWaiting();
      await rm(pod.runtime.spec.scratchDir, { recursive: true, force: true }).catch(() => undefined);
      this.podChanged(pod);
    })();
    return pod.deleting;
  }

  private podChanged(pod: PodRecord): void {
    this.controller.podChanged(`${pod.namespace}/${pod.setName}`);
    this.queueDnsUpdate();
    this.emit('change');
  }

  private podViews(key: string): PodView[] {
    const [namespace, setName] = key.split('/');
    return this.listPods(namespace)
      .filter((p) => p.setName === setName)
      .map((p) => ({
        name: p.name,
        ordinal: parsePodName(p.name)!.ordinal,
        revision: p.revision,
        phase: p.runtime.status.phase,
        ready: p.runtime.status.ready,
        readySinceMs: p.runtime.status.readySinceMs,
        terminating: Boolean(p.deleting) || p.runtime.isTerminating,
      }));
  }

  private endpointPods(): EndpointPod[] {
    return this.listPods().map((p) => ({
      name: p.name,
      namespace: p.namespace,
      labels: p.labels,
      ip: p.runtime.status.podIP,
      ready: p.runtime.status.ready,
      terminating: Boolean(p.deleting),
      hostname: p.hostname,
      subdomain: p.subdomain,
      ordinal: p.ordinal,
      namedPorts: p.namedPorts,
    }));
  }

  /** Coalesce a burst of pod changes into one hosts-file write, written only when it differs. */
  private queueDnsUpdate(): void {
    if (this.dnsQueued) return;
    this.dnsQueued = true;
    queueMicrotask(() => {
      this.dnsQueued = false;
      const ips = new Map([...this.proxies].map(([k, v]) => [k, v.ip]));
      const pods = this.endpointPods();
      const own = pods.flatMap((p) => (p.ip && !p.terminating ? [{ hostname: p.hostname, ip: p.ip }] : []));
      const content = renderHostsFile(dnsServices(this.objects.list('Service'), pods, ips), own);
      if (content === this.hostsContent) return;
      this.hostsContent = content;
      // One write at a time, in order, so an older content never lands last.
      this.dnsWrites = this.dnsWrites
        .then(() => writeHostsFile(this.paths.dns, content))
        .catch((error) => this.record({ type: 'Warning', reason: 'DNSWriteFailed', message: String(error), object: 'Node/emu' }));
    });
  }

  private async syncServiceProxy(service: ServiceObject): Promise<void> {
    const { namespace, name } = service.metadata;
    const key = `${namespace}/${name}`;
    const old = this.proxies.get(key);
    // Same ports: keep the listeners (and their connections); backends follow the stored Service.
    if (old && service.spec.clusterIP !== 'None' && isDeepStrictEqual(old.ports, service.spec.ports)) return;
    if (old) {
      await Promise.all(old.proxies.map((p) => p.stop()));
      this.proxies.delete(key);
    }
    if (service.spec.clusterIP === 'None') {
      if (old) await this.network.removeServiceIp(old.ip);
      return;
    }
    // A Service keeps its cluster IP when it is re-applied, as in Kubernetes.
    const ip = old?.ip ?? (await this.network.addServiceIp());
    // emu's proxy speaks TCP, kube-proxy's default protocol; UDP/SCTP ports get no proxy.
    const proxies = (service.spec.ports ?? []).filter((port) => (port.protocol ?? 'TCP') === 'TCP').map(
      (port) =>
        new ServiceProxy(ip, port.port, () =>
          this.endpointPods()
            .filter((p) => p.ip && p.ready && !p.terminating && p.namespace === namespace && selectorMatches(this.objects.get('Service', namespace, name)?.spec.selector, p.labels))
            .flatMap((p) => {
              const target = targetPortFor({ port: port.port, targetPort: port.targetPort }, p);
              return target ? [{ ip: p.ip!, port: target }] : [];
            }),
        ),
    );
    await Promise.all(proxies.map((p) => p.start()));
    this.proxies.set(key, { ip, proxies, ports: structuredClone(service.spec.ports) });
  }

  serviceClusterIP(namespace: string, name: string): string | undefined {
    return this.proxies.get(`${namespace}/${name}`)?.ip;
  }

  private record(event: ControllerEvent): void {
    const now = Date.now();
    const same = this.events.find((e) => e.object === event.object && e.reason === event.reason && e.message === event.message);
    if (same) {
      same.count++;
      same.lastSeen = now;
    } else {
      this.events.push({ ...event, firstSeen: now, lastSeen: now, count: 1 });
      if (this.events.length > 2000) this.events.shift();
    }
  }

  eventsFor(object: string): ClusterEvent[] {
    return this.events.filter((e) => e.object === object);
  }
}

async function listClaims(root: string): Promise<{ namespace: string; name: string; dir: string; createdAt: number }[]> {
  const out = [];
  for (const namespace of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(join(root, namespace)).catch(() => [] as string[])) {
      const dir = join(root, namespace, name);
      const info = await stat(dir);
      out.push({ namespace, name, dir, createdAt: info.birthtimeMs || info.ctimeMs });
    }
  }
  return out;
}

