import type { DnsService } from '../network/hosts-file.ts';
import type { ServiceObject } from '../manifest/types.ts';

/** What endpoint computation needs to know of a pod. */
export interface EndpointPod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ip?: string;
  ready: boolean;
  terminating: boolean;
  hostname: string;
  subdomain: string;
  ordinal: number;
  /** containerPort by port name, for named targetPorts. */
  namedPorts: Record<string, number>;
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false; // a Service without selector has no automatic endpoints
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * A service's endpoints, as the EndpointSlice controller computes them: pods that
 * match the selector and have an address, ready or (with publishNotReadyAddresses)
 * not; terminating pods are never ready. Pure.
 */
export function serviceEndpoints(service: ServiceObject, pods: readonly EndpointPod[]): DnsService['endpoints'] {
  const publishNotReady = Boolean(service.spec.publishNotReadyAddresses);
  return pods
    .filter((p) => p.namespace === service.metadata.namespace && p.ip && selectorMatches(service.spec.selector, p.labels))
    .sort((a, b) => a.ordinal - b.ordinal || a.name.localeCompare(b.name))
    .map((p) => ({ podName: p.name, ip: p.ip!, hostname: p.hostname, subdomain: p.subdomain, ready: (p.ready && !p.terminating) || publishNotReady }));
}

export function dnsServices(services: readonly ServiceObject[], pods: readonly EndpointPod[], clusterIPs: ReadonlyMap<string, string>): DnsService[] {
  return services.map((s) => ({
    name: s.metadata.name,
    namespace: s.metadata.namespace,
    clusterIP: clusterIPs.get(`${s.metadata.namespace}/${s.metadata.name}`),
    endpoints: serviceEndpoints(s, pods),
  }));
}

/** The pod port a service port forwards to (targetPort by number or by container port name). */
export function targetPortFor(port: { port: number; targetPort?: number | string }, pod: EndpointPod): number | undefined {
  const target = port.targetPort ?? port.port;
  return typeof target === 'number' ? target : (pod.namedPorts[target] ?? (Number.isInteger(Number(target)) ? Number(target) : undefined));
}
