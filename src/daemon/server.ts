import { chmod, mkdir, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { EmuError } from '../errors.ts';
import { Cluster } from '../engine/cluster.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';
import { selectorMatches, targetPortFor } from '../engine/endpoints.ts';
import { claimObjects, podObject, serviceObject, statefulSetObject } from '../engine/views.ts';
import type { LoadedManifest } from '../manifest/types.ts';
import { readMessage, writeMessage, type Request } from './protocol.ts';

type Params = Record<string, any>;
type Method = (params: Params, socket: Socket) => Promise<unknown>;

/**
 * The long-running cluster behind `emu apply`: the engine plus a Unix socket
 * that only its user can open (the directory is 0700). Runs in the node, as the only child of its init.
 */
export class DaemonServer {
  private server?: Server;
  private readonly methods: Record<string, Method>;
  private stopping?: Promise<void>;

  constructor(
    readonly cluster: Cluster,
    readonly paths: ClusterPaths,
    private readonly onStopped: () => void,
  ) {
    const c = cluster;
    const ns = (p: Params) => (p.namespace as string) ?? 'default';
    this.methods = {
      ping: async () => ({ pid: process.pid }),
      apply: async (p) => (await c.apply(p.manifests as LoadedManifest[])).map((r) => r.line),
      get: async (p) => this.get(p.kind, ns(p), p.name),
      describe: async (p) => {
        const [object] = (await this.get(p.kind, ns(p), p.name)) as { kind: string }[];
        return { object, events: c.eventsFor(`${object.kind}/${ns(p)}/${p.name}`) };
      },
      deletePod: async (p) => c.deletePod(ns(p), p.name, { wait: p.wait !== false, gracePeriodSeconds: p.gracePeriodSeconds }),
      scale: async (p) => c.scale(ns(p), p.name, p.replicas),
      deleteStatefulSet: async (p) => c.deleteStatefulSet(ns(p), p.name),
      waitReady: async (p) => c.waitForSetReady(ns(p), p.name, { timeoutMs: p.timeoutMs ?? 300_000 }),
      resolve: async (p) => c.resolve(p.name),
      logs: async (p) => {
        const pod = c.pod(ns(p), p.name);
        const container = this.containerName(pod.runtime.spec, p.container);
        const status = [...pod.runtime.status.containerStatuses, ...pod.runtime.status.initContainerStatuses].find((s) => s.name === container)!;
        // While a crashed container waits to restart, both its log and --previous are
        // the last run's, as kubectl shows them.
        const waiting = status.current.state === 'waiting' && status.restartCount > 0;
        const restart = waiting ? status.restartCount - 1 : p.previous ? status.restartCount - 1 : status.restartCount;
        if (restart < 0) throw new EmuError('NOT_FOUND', `previous terminated container "${container}" in pod "${p.name}" not found`);
        return { file: pod.runtime.logFile(container, restart), uid: pod.uid };
      },
      podExists: async (p) => {
        try {
          return c.pod(ns(p), p.name).uid === p.uid;
        } catch {
          return false;
        }
      },
      exec: async (p) => {
        const pod = c.pod(ns(p), p.name);
        const container = this.containerName(pod.runtime.spec, p.container);
        const target = pod.runtime.container(container);
        if (!target) throw new EmuError('NOT_FOUND', `container ${container} is not running in pod ${p.name}`);
        return { argv: await target.execCommandLine(p.command as string[]) };
      },
      dial: async (p, socket) => this.dial(p, socket),
      watch: async (_p, socket) => {
        const notify = () => socket.write('\n');
        c.on('change', notify);
        socket.on('close', () => c.off('change', notify));
        return 'watching';
      },
      down: async () => {
        void this.stop();
        return 'stopping';
      },
    };
  }

  async listen(): Promise<void> {
    await mkdir(this.paths.run, { recursive: true, mode: 0o700 });
    await chmod(this.paths.run, 0o700);
    await rm(this.paths.socket, { force: true });
    this.server = createServer((socket) => void this.handle(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.paths.socket, () => resolve());
    });
  }

  private async handle(socket: Socket): Promise<void> {
    socket.on('error', () => undefined);
    let request: Request;
    try {
      request = await readMessage<Request>(socket);
    } catch {
      socket.destroy();
      return;
    }
    const method = this.methods[request.method];
    try {
      if (!method) throw new EmuError('USAGE', `unknown daemon method ${request.method}`);
      const result = await method(request.params ?? {}, socket);
      writeMessage(socket, { ok: true, result: result ?? null });
      if (request.method !== 'watch' && request.method !== 'dial') socket.end();
    } catch (error) {
      const e = error instanceof EmuError ? error : new EmuError('RUNTIME_FAILED', String((error as Error)?.message ?? error));
      writeMessage(socket, { ok: false, error: { code: e.code, message: e.message } });
      socket.end();
    }
  }

  private containerName(spec: { containers: { name: string }[]; initContainers: { name: string }[] }, requested?: string): string {
    const names = [...spec.containers, ...spec.initContainers].map((c) => c.name);
    if (!requested) return spec.containers[0].name;
    if (!names.includes(requested)) throw new EmuError('NOT_FOUND', `container ${requested} is not valid for pod; choose one of: [${names.join(' ')}]`);
    return requested;
  }

  private async get(kind: string, namespace: string, name?: string): Promise<unknown[]> {
    const c = this.cluster;
    const pick = <T extends { metadata?: { name?: string; namespace?: string } }>(items: T[], resource: string) => {
      // By name, as kubectl lists them (pods arrive in set and ordinal order already).
      const inNs = items.filter((i) => i.metadata?.namespace === namespace).sort((a, b) => (resource === 'pods' ? 0 : a.metadata!.name!.localeCompare(b.metadata!.name!)));
      if (!name) return inNs;
      const found = inNs.filter((i) => i.metadata?.name === name);
      if (found.length === 0) throw new EmuError('NOT_FOUND', `${resource} "${name}" not found`);
      return found;
    };
    switch (kind) {
      case 'pods':
        return pick(c.listPods().map((p) => podObject(p, c.network.pods.gateway)), 'pods');
      case 'statefulsets':
        return pick(c.objects.list('StatefulSet').map((s) => statefulSetObject(c, s)), 'statefulsets.apps');
      case 'services':
        return pick(c.objects.list('Service').map((s) => serviceObject(c, s)), 'services');
      case 'persistentvolumeclaims':
        return pick(await claimObjects(c), 'persistentvolumeclaims');
      default:
        throw new EmuError('USAGE', `the server doesn't have a resource type "${kind}"`);
    }
  }

  /** Port-forward: connect to a pod or service port inside the node, then just pipe bytes. */
  private async dial(p: Params, socket: Socket): Promise<string> {
    const namespace = p.namespace ?? 'default';
    let host: string;
    let port = Number(p.port);
    if (p.service) {
      const svc = this.cluster.objects.get('Service', namespace, p.service);
      if (!svc) throw new EmuError('NOT_FOUND', `services "${p.service}" not found`);
      // kubectl port-forward svc/NAME picks one ready pod behind the service.
      const pod = this.cluster.listPods(namespace).find((x) => x.runtime.status.ready && selectorMatches(svc.spec.selector, x.labels));
      if (!pod) throw new EmuError('NOT_FOUND', `no ready pod behind service ${p.service}`);
      const svcPort = svc.spec.ports?.find((sp) => sp.port === port);
      port = (svcPort && targetPortFor({ port: svcPort.port, targetPort: svcPort.targetPort }, { namedPorts: pod.namedPorts } as never)) ?? port;
      host = pod.runtime.status.podIP!;
    } else {
      host = this.cluster.pod(namespace, p.pod).runtime.status.podIP!;
    }
    const upstream = createConnection({ host, port });
    await new Promise<void>((resolve, reject) => {
      upstream.once('connect', resolve);
      upstream.once('error', (e) => reject(new EmuError('RUNTIME_FAILED', `cannot connect to ${host}:${port}: ${e.message}`)));
    });
    // The reply line goes first (written by handle), then the raw stream.
    setImmediate(() => {
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    });
    return `${host}:${port}`;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.server?.close();
      await this.cluster.shutdown();
      await rm(this.paths.socket, { force: true });
      this.onStopped();
    })();
    return this.stopping;
  }
}
