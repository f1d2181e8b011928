import { isIPv4, isIPv6 } from 'node:net';
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';

/**
 * The cluster's DNS records, derived from Services and EndpointSlices as
 * Kubernetes DNS specifies them (kubernetes/dns docs/specification.md, as
 * CoreDNS serves it):
 * - ClusterIP service: `<svc>.<ns>.svc.<zone>` A → its cluster IP, PTR back,
 *   and `_<port>._<proto>.<svc>.<ns>.svc.<zone>` SRV → the service name;
 * - headless service: the service name → every ready endpoint (A), each ready
 *   endpoint as `<hostname>.<svc>.<ns>.svc.<zone>` (the endpoint's hostname, or
 *   its address with dashes), PTR back, SRV per named port → each endpoint;
 * - ExternalName service: a CNAME;
 * - pods (when given): `<a-b-c-d>.<ns>.pod.<zone>`;
 * - `dns-version.<zone>` TXT "1.1.0".
 * Not-ready endpoints have no records (the EndpointSlice already marks them
 * ready when the service publishes not-ready addresses).
 */

export interface SrvTarget {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface NameRecords {
  A: string[];
  AAAA: string[];
  PTR: string[];
  SRV: SrvTarget[];
  TXT: string[];
  CNAME?: string;
}

export interface ZoneOptions {
  /** The cluster domain. */
  domain?: string;
  /** Seconds clients may cache an answer: short, since pods come and go. */
  ttl?: number;
}

export const CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_TTL = 5;
export const SCHEMA_VERSION = '1.1.0';

/** One immutable snapshot of every name the cluster DNS answers. */
export class ClusterZone {
  readonly domain: string;
  readonly ttl: number;
  private readonly names: ReadonlyMap<string, NameRecords>;
  /** Names that exist only because something lives below them (`svc.cluster.local`). */
  private readonly branches: ReadonlySet<string>;

  constructor(names: ReadonlyMap<string, NameRecords>, options: ZoneOptions = {}) {
    this.domain = options.domain ?? CLUSTER_DOMAIN;
    this.ttl = options.ttl ?? DEFAULT_TTL;
    this.names = names;
    const branches = new Set<string>();
    for (const name of names.keys()) {
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) branches.add(name.slice(dot + 1));
    }
    this.branches = branches;
  }

  /** The records of a name (lower case, no trailing dot), if it has any. */
  lookup(name: string): NameRecords | undefined {
    return this.names.get(name);
  }

  /** Whether the name exists: with records of its own or as a parent of names that have some. */
  exists(name: string): boolean {
    return this.names.has(name) || this.branches.has(name);
  }

  /** Whether this server answers for the name with authority (the zone and reverse zones). */
  isOurs(name: string): boolean {
    return name === this.domain || name.endsWith(`.${this.domain}`) || name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa');
  }
}

/** `10.244.0.5` → `5.0.244.10.in-addr.arpa`; IPv6 as nibbles under ip6.arpa. */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = ip.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail].map((g) => g.padStart(4, '0')).join('');
  return `${[...full].reverse().join('.')}.ip6.arpa`;
}

/** The label CoreDNS gives an endpoint without a hostname: its address with dashes. */
export function dashed(ip: string): string {
  return ip.replaceAll('.', '-').replaceAll(':', '-');
}

class ZoneBuilder {
  readonly names = new Map<string, NameRecords>();

  private at(name: string): NameRecords {
    const key = name.toLowerCase();
    let records = this.names.get(key);
    if (!records) this.names.set(key, (records = { A: [], AAAA: [], PTR: [], SRV: [], TXT: [] }));
    return records;
  }

  address(name: string, ip: string): void {
    const list = isIPv6(ip) ? this.at(name).AAAA : this.at(name).A;
    if (!list.includes(ip)) list.push(ip);
  }

  pointer(ip: string, name: string): void {
    const list = this.at(reverseName(ip)).PTR;
    if (!list.includes(name)) list.push(name);
  }

  service(name: string, target: SrvTarget): void {
    this.at(name).SRV.push(target);
  }

  alias(name: string, target: string): void {
    this.at(name).CNAME = target;
  }

  text(name: string, value: string): void {
    this.at(name).TXT.push(value);
  }
}

export interface ClusterObjects {
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  /** Pods for `<a-b-c-d>.<ns>.pod.<zone>` records; leave out to serve none. */
  pods?: readonly Pod[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function srvName(portName: string, protocol: string | undefined, serviceName: string): string {
  return `_${portName}._${(protocol ?? 'TCP').toLowerCase()}.${serviceName}`;
}

/** SRV weights as CoreDNS sets them: 100 shared among the targets of one name. */
function weighted(targets: Omit<SrvTarget, 'weight' | 'priority'>[]): SrvTarget[] {
  const weight = Math.max(1, Math.floor(100 / Math.max(1, targets.length)));
  return targets.map((t) => ({ priority: 0, weight, ...t }));
}

/** Build the zone from Services and EndpointSlices (and Pods). Pure. */
export function clusterRecords(objects: ClusterObjects, options: ZoneOptions = {}): ClusterZone {
  const domain = options.domain ?? CLUSTER_DOMAIN;
  const zone = new ZoneBuilder();
  zone.text(`dns-version.${domain}`, SCHEMA_VERSION);

  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of objects.endpointSlices) {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner) continue;
    const key = `${slice.metadata?.namespace ?? 'default'}/${owner}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }

  for (const service of objects.services) {
    const namespace = service.metadata?.namespace ?? 'default';
    const name = `${service.metadata?.name}.${namespace}.svc.${domain}`;
    const spec = service.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.externalName) zone.alias(name, spec.externalName.replace(/\.$/, ''));
      continue;
    }
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP]).filter((ip): ip is string => Boolean(ip) && ip !== 'None');
    if (clusterIPs.length) {
      for (const ip of clusterIPs) {
        zone.address(name, ip);
        zone.pointer(ip, name);
      }
      for (const port of spec.ports ?? []) {
        if (port.name) zone.service(srvName(port.name, port.protocol, name), { priority: 0, weight: 100, port: port.port, target: name });
      }
      continue;
    }
    // Headless: the endpoints themselves.
    const srv = new Map<string, Omit<SrvTarget, 'weight' | 'priority'>[]>();
    for (const slice of slicesByService.get(`${namespace}/${service.metadata?.name}`) ?? []) {
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready === false) continue;
        for (const ip of endpoint.addresses) {
          const host = `${endpoint.hostname ?? dashed(ip)}.${name}`;
          zone.address(name, ip);
          zone.address(host, ip);
          zone.pointer(ip, host);
          for (const port of slice.ports ?? []) {
            if (!port.name || port.port === undefined) continue;
            const srvKey = srvName(port.name, port.protocol, name);
            srv.set(srvKey, [...(srv.get(srvKey) ?? []), { port: port.port, target: host }]);
          }
        }
      }
    }
    for (const [srvKey, targets] of srv) for (const target of weighted(targets)) zone.service(srvKey, target);
  }

  for (const pod of objects.pods ?? []) {
    const namespace = pod.metadata?.namespace ?? 'default';
    const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip), pod.status?.podIP].filter((ip): ip is string => Boolean(ip));
    for (const ip of ips) {
      zone.address(`${dashed(ip)}.${namespace}.pod.${domain}`, ip);
    }
  }
  return new ClusterZone(zone.names, { domain, ttl: options.ttl });
}

/** The search path Kubernetes writes into a pod's resolv.conf. */
export function searchPath(namespace: string, domain = CLUSTER_DOMAIN): string[] {
  return [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
}

/**
 * A pod's /etc/resolv.conf as the kubelet writes it (dnsPolicy ClusterFirst): the
 * cluster DNS server, the namespace's search path, ndots:5 so that short names
 * such as `web-0.nginx` are tried under the search path first.
 */
export function renderResolvConf(nameserver: string, namespace: string, domain = CLUSTER_DOMAIN): string {
  return `nameserver ${nameserver}\nsearch ${searchPath(namespace, domain).join(' ')}\noptions ndots:5\n`;
}
