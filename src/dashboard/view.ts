/**
 * The dashboard's picture of a cluster, computed from API objects alone (pure):
 * workloads with their pods (a StatefulSet's by ordinal, a Deployment's by
 * ReplicaSet), Services with endpoints, the DNS table as cluster DNS answers
 * it, recent events, active chaos faults, lab progress and a count of every
 * kind (so kinds added to the API later show up without changes here).
 */
import type { Event, Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import type { OwnerReference } from 'kubernetes-types/meta/v1.d.ts';
import type { ApiObject } from '../api/store.ts';
import { toTable } from '../api/table.ts';
import { activeFaults, type ActiveFault } from '../events/chaos-events.ts';
import type { LabResult } from '../lab/results.ts';
import { dnsServices } from '../network/dns-sources.ts';
import { hostsEntries, renderHostsFile } from '../network/hosts-file.ts';

export interface PodView {
  name: string;
  namespace: string;
  ordinal?: number;
  /** kubectl's STATUS: Running, Pending, Terminating, CrashLoopBackOff… */
  status: string;
  ready: boolean;
  /** "1/1" */
  containers: string;
  ip: string;
  restarts: string;
  node: string;
  /** Host directories of its claims. */
  volumes: string[];
  created: string;
}

export interface WorkloadView {
  /** `StatefulSet/web`, `Deployment/api`, `Pods` (no owner). */
  id: string;
  kind: string;
  name: string;
  namespace: string;
  /** "2/2 ready" */
  summary: string;
  /** Policy and strategy in a few words. */
  detail: string;
  /** One group per ReplicaSet for a Deployment; one group otherwise. */
  groups: { name: string; pods: PodView[] }[];
}

export interface ServiceView {
  name: string;
  namespace: string;
  /** `headless` or the ClusterIP. */
  address: string;
  ports: string;
  endpoints: { pod: string; ip: string; ready: boolean }[];
}

export interface DnsRow {
  /** The name as a pod in the namespace types it: `web-0.nginx`. */
  name: string;
  namespace: string;
  fqdn: string;
  addresses: string[];
  /** Set by DnsHistory: the addresses before the last change, and when it happened. */
  previous?: string[];
  changedAt?: string;
}

export interface EventRow {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  source: string;
}

export interface LabProgress {
  id: string;
  title: string;
  result?: LabResult;
}

export interface DashboardView {
  cluster: string;
  connected: boolean;
  workloads: WorkloadView[];
  services: ServiceView[];
  dns: DnsRow[];
  events: EventRow[];
  faults: ActiveFault[];
  labs: LabProgress[];
  /** Every kind the API serves that has objects: `{ kind: 'Pod', count: 2 }`. */
  counts: { kind: string; count: number }[];
}

export interface ViewInput {
  cluster: string;
  connected: boolean;
  /** Objects by kind (`Pod`, `StatefulSet`, …). */
  objects: ReadonlyMap<string, readonly ApiObject[]>;
  claimDirectory: (namespace: string, claim: string) => string;
  labs: { id: string; title: string }[];
  labResults: LabResult[];
}

const RECENT_EVENTS = 30;
const FQDN_SUFFIX = '.svc.cluster.local';

export function buildView(input: ViewInput): DashboardView {
  const of = <T>(kind: string) => (input.objects.get(kind) ?? []) as unknown as (T & ApiObject)[];
  const events = of<Event>('Event');
  return {
    cluster: input.cluster,
    connected: input.connected,
    workloads: workloads(input, of),
    services: services(of<Service>('Service'), of<EndpointSlice>('EndpointSlice')),
    dns: dnsTable(of<Service>('Service'), of<EndpointSlice>('EndpointSlice')),
    events: recentEvents(events),
    faults: activeFaults(events),
    labs: input.labs.map((lab) => ({ ...lab, result: input.labResults.find((r) => r.lab === lab.id) })),
    counts: [...input.objects.entries()].filter(([, items]) => items.length > 0).map(([kind, items]) => ({ kind, count: items.length })).sort((a, b) => a.kind.localeCompare(b.kind)),
  };
}

type Lookup = <T>(kind: string) => (T & ApiObject)[];

function controller(object: ApiObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((o) => o.controller) ?? object.metadata.ownerReferences?.[0];
}

const byName = (a: { name: string; namespace: string }, b: { name: string; namespace: string }) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

function workloads(input: ViewInput, of: Lookup): WorkloadView[] {
  const pods = of<Pod>('Pod').map((p) => ({ object: p, view: podView(p, input.claimDirectory) }));
  const owned = (kind: string, name: string, namespace: string) =>
    pods.filter((p) => p.object.metadata.namespace === namespace && controller(p.object)?.kind === kind && controller(p.object)?.name === name).map((p) => p.view);
  const views: WorkloadView[] = [];
  const claimed = new Set<string>();
  const take = (list: PodView[]) => {
    for (const p of list) claimed.add(`${p.namespace}/${p.name}`);
    return list;
  };

  for (const set of of<Scaled & { spec?: { podManagementPolicy?: string; updateStrategy?: { type?: string } } }>('StatefulSet')) {
    const members = take(owned('StatefulSet', set.metadata.name, set.metadata.namespace ?? 'default')).sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
    views.push(workload('StatefulSet', set, `${set.spec?.podManagementPolicy ?? 'OrderedReady'} · ${set.spec?.updateStrategy?.type ?? 'RollingUpdate'}`, [{ name: '', pods: members }]));
  }

  const replicaSets = of<Scaled>('ReplicaSet');
  const revision = (rs: Scaled) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  // Newest revision first, each with its pods.
  const rsGroups = (list: Scaled[]) => list.sort((a, b) => revision(b) - revision(a)).map((rs) => ({ name: rs.metadata.name, pods: take(owned('ReplicaSet', rs.metadata.name, rs.metadata.namespace ?? 'default')).sort(byName) }));
  for (const deployment of of<Scaled & { spec?: { strategy?: { type?: string } } }>('Deployment')) {
    const { name, namespace = 'default' } = deployment.metadata;
    const mine = replicaSets.filter((rs) => rs.metadata.namespace === namespace && controller(rs)?.kind === 'Deployment' && controller(rs)?.name === name);
    views.push(workload('Deployment', deployment, deployment.spec?.strategy?.type ?? 'RollingUpdate', rsGroups(mine)));
  }
  for (const rs of replicaSets.filter((r) => controller(r)?.kind !== 'Deployment')) views.push(workload('ReplicaSet', rs, '', rsGroups([rs])));

  // Pods of no workload shown above: bare pods, or owned by a kind this view does not group.
  const rest = pods.map((p) => p.view).filter((p) => !claimed.has(`${p.namespace}/${p.name}`));
  if (rest.length) views.push({ id: 'Pods', kind: 'Pods', name: 'other pods', namespace: '', summary: `${rest.filter((p) => p.ready).length}/${rest.length} ready`, detail: '', groups: [{ name: '', pods: rest.sort(byName) }] });
  return views.sort((a, b) => (a.id === 'Pods' ? 1 : b.id === 'Pods' ? -1 : a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)));
}

type Scaled = ApiObject & { spec?: { replicas?: number }; status?: { readyReplicas?: number } };

function workload(kind: string, object: Scaled, detail: string, groups: WorkloadView['groups']): WorkloadView {
  const { name, namespace = 'default' } = object.metadata;
  return { id: `${kind}/${namespace}/${name}`, kind, name, namespace, summary: `${object.status?.readyReplicas ?? 0}/${object.spec?.replicas ?? 0} ready`, detail, groups };
}

function podView(pod: Pod & ApiObject, claimDirectory: ViewInput['claimDirectory']): PodView {
  const table = toTable('pods', [pod]);
  const cell = (column: string) => String(table.rows[0].cells[table.columnDefinitions.findIndex((c) => c.name === column)] ?? '');
  const namespace = pod.metadata.namespace ?? 'default';
  const index = pod.metadata.labels?.['apps.kubernetes.io/pod-index'];
  return {
    name: pod.metadata.name,
    namespace,
    ordinal: index !== undefined ? Number(index) : undefined,
    status: cell('Status'),
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') && !pod.metadata.deletionTimestamp,
    containers: cell('Ready'),
    ip: pod.status?.podIP ?? '',
    restarts: cell('Restarts'),
    node: pod.spec?.nodeName ?? '',
    volumes: (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [claimDirectory(namespace, v.persistentVolumeClaim.claimName)] : [])),
    created: pod.metadata.creationTimestamp ?? '',
  };
}

function services(list: (Service & ApiObject)[], slices: (EndpointSlice & ApiObject)[]): ServiceView[] {
  return dnsServices(list, slices)
    .map((dns) => {
      const svc = list.find((s) => s.metadata.name === dns.name && s.metadata.namespace === dns.namespace)!;
      return {
        name: dns.name,
        namespace: dns.namespace,
        address: dns.clusterIP ?? 'headless',
        ports: (svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', '),
        endpoints: dns.endpoints.map((e) => ({ pod: e.podName, ip: e.ip, ready: e.ready })),
      };
    })
    .sort(byName);
}

/** Name → addresses, exactly as the cluster's hosts file answers (every record has an FQDN spelling). */
function dnsTable(list: (Service & ApiObject)[], slices: (EndpointSlice & ApiObject)[]): DnsRow[] {
  const rows = new Map<string, DnsRow>();
  for (const { ip, names } of hostsEntries(renderHostsFile(dnsServices(list, slices)))) {
    for (const fqdn of names.filter((n) => n.endsWith(FQDN_SUFFIX))) {
      const short = fqdn.slice(0, -FQDN_SUFFIX.length);
      const namespace = short.slice(short.lastIndexOf('.') + 1);
      const row = rows.get(fqdn) ?? { name: short.slice(0, short.lastIndexOf('.')), namespace, fqdn, addresses: [] };
      if (!row.addresses.includes(ip)) row.addresses.push(ip);
      rows.set(fqdn, row);
    }
  }
  return [...rows.values()].sort(dnsOrder);
}

/** The service first, then its pods: nginx, web-0.nginx, web-1.nginx (web-10 after web-9). */
export function dnsOrder(a: DnsRow, b: DnsRow): number {
  const key = (row: DnsRow) => `${row.namespace} ${row.name.split('.').reverse().join('.')}`;
  return key(a).localeCompare(key(b), undefined, { numeric: true });
}

function recentEvents(events: (Event & ApiObject)[]): EventRow[] {
  const time = (e: Event) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
  return [...events]
    .sort((a, b) => time(b).localeCompare(time(a)) || Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion))
    .slice(0, RECENT_EVENTS)
    .map((e) => ({
      time: time(e),
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      object: `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name}`,
      message: e.message ?? '',
      count: e.count ?? 1,
      source: e.source?.component ?? e.reportingComponent ?? '',
    }));
}
