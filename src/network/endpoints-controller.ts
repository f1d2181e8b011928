/**
 * The endpoints controllers: for every Service with a selector, an Endpoints
 * object and an EndpointSlice listing the pods behind it, as Kubernetes'
 * endpoint and EndpointSlice controllers write them. Pods that match and have
 * an address are listed — ready ones as ready, others (and terminating ones)
 * as not ready, unless publishNotReadyAddresses. A pod whose hostname is set
 * and whose subdomain is the Service's name carries that hostname (so DNS
 * gives it `<hostname>.<service>`). Pods are listed in ordinal order.
 */
import type { EndpointPort, EndpointSubset, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';

const SERVICES = byKind('Service')!;
const PODS = byKind('Pod')!;
const ENDPOINTS = byKind('Endpoints')!;
const SLICES = byKind('EndpointSlice')!;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

type PodObject = Pod & ApiObject;
type ServiceObject = Service & ApiObject;

export class EndpointsController {
  private readonly watches: Watch[] = [];
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly store: ApiStore) {}

  start(): void {
    this.watches.push(
      this.store.watch(SERVICES, {}, (e) => this.queueNamespace(e.object.metadata.namespace!)),
      this.store.watch(PODS, {}, (e) => this.queueNamespace(e.object.metadata.namespace!)),
    );
  }

  stop(): void {
    for (const watch of this.watches) watch.stop();
  }

  /** A pass is queued and has not run yet. */
  get busy(): boolean {
    return this.scheduled;
  }

  /** Resolves after the pass queued now (if any) has run. */
  idle(): Promise<void> {
    return this.pass;
  }

  /** Changes arriving together (a Parallel set starting) are folded into one pass per namespace. */
  private queueNamespace(namespace: string): void {
    this.dirty.add(namespace);
    if (this.scheduled) return;
    this.scheduled = true;
    this.pass = new Promise((resolve) =>
      setImmediate(() => {
        this.scheduled = false;
        const namespaces = [...this.dirty];
        this.dirty.clear();
        for (const ns of namespaces) this.syncNamespace(ns);
        resolve();
      }),
    );
  }

  private syncNamespace(namespace: string): void {
    const services = this.store.list<ServiceObject>(SERVICES, { namespace }).items;
    const pods = this.store.list<PodObject>(PODS, { namespace }).items.filter((p) => p.status?.podIP);
    pods.sort(byOrdinal);
    for (const service of services) {
      if (!service.spec?.selector || Object.keys(service.spec.selector).length === 0) continue;
      const selector = service.spec.selector;
      const members = pods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
      this.writeEndpoints(service, members);
      this.writeSlice(service, members);
    }
    // Endpoints and slices whose Service is gone follow it.
    for (const type of [ENDPOINTS, SLICES]) {
      for (const object of this.store.list(type, { namespace }).items) {
        const owner = type === SLICES ? object.metadata.labels?.[SERVICE_NAME_LABEL] : object.metadata.name;
        if (type === SLICES && object.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== MANAGED_BY) continue;
        if (owner && !services.some((s) => s.metadata.name === owner && s.spec?.selector)) this.store.delete(type, namespace, object.metadata.name);
      }
    }
  }

  private writeEndpoints(service: ServiceObject, pods: PodObject[]): void {
    const { namespace, name } = service.metadata;
    // Pods that resolve named ports to different numbers end up in different subsets.
    const subsets = new Map<string, EndpointSubset>();
    for (const pod of pods) {
      const ports = servicePorts(service, pod);
      const key = JSON.stringify(ports);
      const subset = subsets.get(key) ?? { ports };
      subsets.set(key, subset);
      const address = { ip: pod.status!.podIP!, ...hostnameFor(service, pod), nodeName: pod.spec?.nodeName, targetRef: podRef(pod) };
      const list = isReady(service, pod) ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
      (list as object[]).push(address);
    }
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels: { ...service.metadata.labels } },
      subsets: [...subsets.values()],
    } as unknown as ApiObject;
    this.upsert(ENDPOINTS, endpoints);
  }

  private writeSlice(service: ServiceObject, pods: PodObject[]): void {
    const { namespace, name } = service.metadata;
    const slice: EndpointSlice & ApiObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-emu`,
        namespace,
        labels: { ...service.metadata.labels, [SERVICE_NAME_LABEL]: name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: pods.map((pod) => {
        const terminating = Boolean(pod.metadata.deletionTimestamp);
        const podReady = podIsReady(pod);
        return {
          addresses: [pod.status!.podIP!],
          conditions: { ready: isReady(service, pod), serving: podReady, terminating },
          ...hostnameFor(service, pod),
          nodeName: pod.spec?.nodeName,
          targetRef: podRef(pod),
        };
      }),
      ports: pods.length > 0 ? servicePorts(service, pods[0]) : (service.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' })),
    };
    this.upsert(SLICES, slice);
  }

  private upsert(type: typeof ENDPOINTS, object: ApiObject): void {
    const existing = this.store.find(type, object.metadata.namespace, object.metadata.name);
    if (!existing) this.store.create(type, object);
    else this.store.update(type, { ...existing, ...object, metadata: { ...existing.metadata, labels: object.metadata.labels, ownerReferences: object.metadata.ownerReferences } });
  }
}

function podIsReady(pod: PodObject): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function isReady(service: ServiceObject, pod: PodObject): boolean {
  if (service.spec?.publishNotReadyAddresses) return true;
  return podIsReady(pod) && !pod.metadata.deletionTimestamp;
}

function hostnameFor(service: ServiceObject, pod: PodObject): { hostname?: string } {
  return pod.spec?.hostname && pod.spec.subdomain === service.metadata.name ? { hostname: pod.spec.hostname } : {};
}

function podRef(pod: PodObject) {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** The service's ports as this pod serves them (a named targetPort looked up in its containers). */
export function servicePorts(service: ServiceObject, pod: PodObject): EndpointPort[] {
  return (service.spec?.ports ?? []).flatMap((port: ServicePort) => {
    const target = targetPort(port, pod);
    return target === undefined ? [] : [{ ...(port.name ? { name: port.name } : {}), port: target, protocol: port.protocol ?? 'TCP' }];
  });
}

export function targetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    const found = c.ports?.find((p) => p.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

/** StatefulSet pods by ordinal (web-2 before web-10), others by name. */
export function byOrdinal(a: Pod & ApiObject, b: Pod & ApiObject): number {
  const ordinal = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? NaN);
  const [oa, ob] = [ordinal(a.metadata.name), ordinal(b.metadata.name)];
  const stemA = a.metadata.name.replace(/-\d+$/, '');
  const stemB = b.metadata.name.replace(/-\d+$/, '');
  if (stemA === stemB && !Number.isNaN(oa) && !Number.isNaN(ob)) return oa - ob;
  return a.metadata.name.localeCompare(b.metadata.name);
}
