/**
 * kube-proxy's job: every Service with a cluster IP gets that address on the
 * node's bridge and a proxy per TCP port that sends each new connection to a
 * ready endpoint at random (from the Service's EndpointSlice). A Service whose
 * ports are unchanged keeps its listeners (and their connections) across updates.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import { SERVICE_NAME_LABEL } from './endpoints-controller.ts';
import type { NodeNetwork } from './node-network.ts';
import { ServiceProxy, type ProxyBackend } from './service-proxy.ts';

const SERVICES = byKind('Service')!;
const SLICES = byKind('EndpointSlice')!;

interface Proxied {
  ip: string;
  ports: unknown;
  proxies: ServiceProxy[];
}

export class ServiceProxies {
  private readonly proxied = new Map<string, Proxied>();
  private watch?: Watch;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ApiStore,
    private readonly network: NodeNetwork,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.watch = this.store.watch(SERVICES, {}, (event) => {
      const service = event.object as Service & ApiObject;
      // One change at a time, in order: an address is added before its listeners, removed after.
      this.chain = this.chain.then(() => (event.type === 'DELETED' ? this.remove(service) : this.sync(service))).catch(this.onError);
    });
  }

  /** Resolves when every Service change so far has its listeners. */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.watch?.stop();
    await this.chain;
    await Promise.all([...this.proxied.values()].flatMap((p) => p.proxies.map((x) => x.stop())));
    this.proxied.clear();
  }

  private async sync(service: Service & ApiObject): Promise<void> {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const ip = service.spec?.clusterIP;
    const old = this.proxied.get(key);
    if (old && old.ip === ip && isDeepStrictEqual(old.ports, service.spec?.ports)) return;
    if (old) await this.remove(service, old.ip === ip);
    if (!ip || ip === 'None') return;
    if (!old || old.ip !== ip) await this.network.addServiceIp(ip);
    // emu proxies TCP, kube-proxy's default protocol; UDP and SCTP ports get no proxy.
    const proxies = (service.spec?.ports ?? [])
      .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
      .map((port) => new ServiceProxy(ip, port.port, () => this.backends(service.metadata.namespace!, service.metadata.name, port.name)));
    await Promise.all(proxies.map((p) => p.start()));
    this.proxied.set(key, { ip, ports: structuredClone(service.spec?.ports), proxies });
  }

  private async remove(service: Service & ApiObject, keepAddress = false): Promise<void> {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const old = this.proxied.get(key);
    if (!old) return;
    this.proxied.delete(key);
    await Promise.all(old.proxies.map((p) => p.stop()));
    if (!keepAddress) await this.network.removeServiceIp(old.ip);
  }

  /** Ready endpoints of the Service, each with the pod port this service port maps to. */
  private backends(namespace: string, name: string, portName: string | undefined): ProxyBackend[] {
    const slice = this.store.list<EndpointSlice & ApiObject>(SLICES, { namespace }).items.find((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
    const port = slice?.ports?.find((p) => (p.name ?? '') === (portName ?? ''))?.port;
    if (!slice || port === undefined || port === null) return [];
    return (slice.endpoints ?? []).filter((e) => e.conditions?.ready && !e.conditions.terminating).map((e) => ({ ip: e.addresses[0], port }));
  }
}
