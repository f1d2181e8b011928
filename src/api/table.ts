import type { ObjectMeta } from 'kubernetes-types/meta/v1.d.ts';
import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.d.ts';
import type { ControllerRevision, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.d.ts';
import { labelSelectorFromObject, labelSelectorString } from './selectors.ts';
import { since } from './human-duration.ts';
import type { FaultObject } from '../chaos/fault-object.ts';

/**
 * Server-side Table output (meta.k8s.io/v1 Table), which kubectl asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and prints as it is.
 * Columns and cell formats follow Kubernetes' pkg/printers/internalversion/
 * printers.go. As the API server does, every row carries the cells of every
 * column; kubectl shows the `priority: 1` ones only with `-o wide`.
 */

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export type TableCell = string | number | boolean;

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What `?includeObject=` asks each row to carry (kubectl's default: Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now?: Date;
  includeObject?: IncludeObject;
  /** The list's resourceVersion and continue token, copied into the Table. */
  resourceVersion?: string;
  continue?: string;
  /** Leave out columnDefinitions (watch events after the first carry none). */
  noHeaders?: boolean;
}

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

type Printer<T> = { columns: TableColumnDefinition[]; row: (object: T, now: Date) => { cells: TableCell[]; conditions?: TableRowCondition[] } };

function column(name: string, description: string, extra: Partial<TableColumnDefinition> = {}): TableColumnDefinition {
  return { name, type: 'string', format: '', description, priority: 0, ...extra };
}

const NAME = column('Name', 'Name must be unique within a namespace.', { format: 'name' });
const AGE = column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const wide = (name: string, description: string, extra: Partial<TableColumnDefinition> = {}) => column(name, description, { priority: 1, ...extra });
const CONTAINERS = wide('Containers', 'Names of each container in the template.');
const IMAGES = wide('Images', 'Images referenced by each container in the template.');
const SELECTOR = wide('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.');

const nameOf = (object: KubeObject) => object.metadata?.name ?? '';
const ageOf = (object: KubeObject, now: Date) => since(object.metadata?.creationTimestamp, now);
const orNone = (text: string | undefined) => (text ? text : '<none>');

// ---- pods ----

const POD_SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const POD_FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

function conditionTrue(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** printPod: READY, STATUS (Init:0/1, CrashLoopBackOff, Completed, Terminating…), RESTARTS "(5m ago)". */
function podRow(pod: Pod, now: Date): { cells: TableCell[]; conditions?: TableRowCondition[] } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = spec.containers.length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initContainers = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const restartable = (name: string) => initContainers.get(name)?.restartPolicy === 'Always';
  for (const c of spec.initContainers ?? []) if (c.restartPolicy === 'Always') totalContainers++;
  const finished = (at: string | undefined) => (at ? Date.parse(at) : 0);

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount;
    const lastTerminated = finished(c.lastState?.terminated?.finishedAt);
    lastRestart = Math.max(lastRestart, lastTerminated);
    if (restartable(c.name)) {
      restartableInitRestarts += c.restartCount;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, lastTerminated);
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable(c.name) && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount;
      lastRestart = Math.max(lastRestart, finished(c.lastState?.terminated?.finishedAt));
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  const gates = spec.readinessGates ?? [];
  const readinessGates = gates.length
    ? `${gates.filter((g) => (status.conditions ?? []).find((c) => c.type === g.conditionType)?.status === 'True').length}/${gates.length}`
    : '<none>';
  const cells = [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartText,
    ageOf(pod, now),
    orNone(status.podIPs?.[0]?.ip ?? status.podIP),
    orNone(spec.nodeName),
    orNone(status.nominatedNodeName),
    readinessGates,
  ];
  const conditions = status.phase === 'Succeeded' ? POD_SUCCEEDED : status.phase === 'Failed' ? POD_FAILED : undefined;
  return { cells, conditions };
}

const pods: Printer<Pod> = {
  columns: [
    NAME,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    wide('IP', 'podIP address allocated to the pod. Routable at least within the cluster.'),
    wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  row: podRow,
};

// ---- workloads ----

function templateContainers(template: { spec?: { containers?: { name: string; image?: string }[] } } | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(',')];
}

/** The wide cells of a selector-owning workload: CONTAINERS, IMAGES, SELECTOR. */
function workloadCells(workload: Deployment | ReplicaSet): TableCell[] {
  return [...templateContainers(workload.spec?.template), labelSelectorString(labelSelectorFromObject(workload.spec?.selector))];
}

const statefulsets: Printer<StatefulSet> = {
  columns: [NAME, column('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  row: (set, now) => ({
    cells: [nameOf(set), `${set.status?.readyReplicas ?? 0}/${set.spec?.replicas ?? 0}`, ageOf(set, now), ...templateContainers(set.spec?.template)],
  }),
};

const deployments: Printer<Deployment> = {
  columns: [
    NAME,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', { type: 'integer' }),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', { type: 'integer' }),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  row: (d, now) => ({
    cells: [nameOf(d), `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, ageOf(d, now), ...workloadCells(d)],
  }),
};

const replicasets: Printer<ReplicaSet> = {
  columns: [
    NAME,
    column('Desired', 'Number of desired pods.', { type: 'integer' }),
    column('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
    column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  row: (rs, now) => ({
    cells: [nameOf(rs), rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, ageOf(rs, now), ...workloadCells(rs)],
  }),
};

const controllerrevisions: Printer<ControllerRevision> = {
  columns: [NAME, column('Controller', 'Controller of the object'), column('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }), AGE],
  row: (revision, now) => {
    const owner = revision.metadata?.ownerReferences?.find((ref) => ref.controller);
    const group = owner?.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
    const controller = owner ? `${(group ? `${owner.kind}.${group}` : owner.kind).toLowerCase()}/${owner.name}` : '<none>';
    return { cells: [nameOf(revision), controller, revision.revision, ageOf(revision, now)] };
  },
};

const poddisruptionbudgets: Printer<PodDisruptionBudget> = {
  columns: [
    NAME,
    column('Min Available', 'The minimum number of pods that must be available simultaneously.'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable simultaneously.'),
    column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    AGE,
  ],
  row: (pdb, now) => {
    const text = (value: number | string | undefined) => (value === undefined ? 'N/A' : String(value));
    return { cells: [nameOf(pdb), text(pdb.spec?.minAvailable), text(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, ageOf(pdb, now)] };
  },
};

// ---- services and endpoints ----

function serviceExternalIP(service: Service): string {
  const spec = service.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

const services: Printer<Service> = {
  columns: [
    NAME,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  row: (service, now) => {
    const ports = (service.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
    const selector = Object.keys(service.spec?.selector ?? {})
      .sort()
      .map((k) => `${k}=${service.spec!.selector![k]}`)
      .join(',');
    return {
      cells: [nameOf(service), service.spec?.type ?? 'ClusterIP', orNone(service.spec?.clusterIP), serviceExternalIP(service), orNone(ports), ageOf(service, now), orNone(selector)],
    };
  },
};

const MAX_LISTED = 3;

/** `a,b,c + 2 more...`, or `fallback` for an empty list (listWithMoreString). */
function listWithMore(items: string[], fallback: string): string {
  const shown = items.slice(0, MAX_LISTED).join(',');
  if (items.length > MAX_LISTED) return `${shown} + ${items.length - MAX_LISTED} more...`;
  return shown || fallback;
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const endpoints: Printer<Endpoints> = {
  columns: [NAME, column('Endpoints', 'Endpoints of the service'), AGE],
  row: (ep, now) => {
    const subsets = ep.subsets ?? [];
    const listed: string[] = [];
    for (const subset of subsets) {
      const addresses = subset.addresses ?? [];
      if (!subset.ports?.length) listed.push(...addresses.map((a) => a.ip));
      else for (const port of subset.ports) listed.push(...addresses.map((a) => hostPort(a.ip, port.port)));
    }
    return { cells: [nameOf(ep), subsets.length === 0 ? '<none>' : listWithMore(listed, ''), ageOf(ep, now)] };
  },
};

const endpointslices: Printer<EndpointSlice> = {
  columns: [
    NAME,
    column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  row: (slice, now) => {
    const ports = (slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*')));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses);
    return { cells: [nameOf(slice), slice.addressType, listWithMore(ports, '<unset>'), listWithMore(addresses, '<unset>'), ageOf(slice, now)] };
  },
};

// ---- storage, configuration, cluster ----

const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

const persistentvolumeclaims: Printer<PersistentVolumeClaim> = {
  columns: [
    NAME,
    column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'storageClassName is the name of the StorageClass required by the claim.'),
    column('VolumeAttributesClass', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
    AGE,
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  row: (claim, now) => {
    const bound = Boolean(claim.spec?.volumeName);
    const modes = claim.status?.accessModes ?? [];
    const accessModes = bound ? ACCESS_MODES.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',') : '';
    const storageClass = claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? claim.spec?.storageClassName ?? '';
    return {
      cells: [
        nameOf(claim),
        claim.metadata?.deletionTimestamp ? 'Terminating' : (claim.status?.phase ?? ''),
        claim.spec?.volumeName ?? '',
        bound ? (claim.status?.capacity?.storage ?? '') : '',
        accessModes,
        storageClass,
        claim.spec?.volumeAttributesClassName || '<unset>',
        ageOf(claim, now),
        claim.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};

const configmaps: Printer<ConfigMap> = {
  columns: [NAME, column('Data', 'Number of entries in the data and binaryData.', { type: 'integer' }), AGE],
  row: (cm, now) => ({ cells: [nameOf(cm), Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, ageOf(cm, now)] }),
};

const secrets: Printer<Secret> = {
  columns: [NAME, column('Type', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'Number of entries in the data.', { type: 'integer' }), AGE],
  row: (secret, now) => ({ cells: [nameOf(secret), secret.type ?? 'Opaque', Object.keys(secret.data ?? {}).length, ageOf(secret, now)] }),
};

const namespaces: Printer<Namespace> = {
  columns: [NAME, column('Status', 'The status of the namespace'), AGE],
  row: (ns, now) => ({ cells: [nameOf(ns), ns.status?.phase ?? '', ageOf(ns, now)] }),
};

const events: Printer<Event> = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'The object that this event is about.'),
    wide('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    wide('Source', 'The component reporting this event.'),
    column('Message', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded.'),
    wide('Count', 'The number of times this event has occurred.'),
    wide('Name', 'Name must be unique within a namespace.', { format: 'name' }),
  ],
  row: (event, now) => {
    const first = event.firstTimestamp ? since(event.firstTimestamp, now) : since(event.eventTime, now);
    let last = event.lastTimestamp ? since(event.lastTimestamp, now) : first;
    let count = event.count || 1;
    if (event.series) {
      last = since(event.series.lastObservedTime, now);
      count = event.series.count ?? count;
    }
    const involved = event.involvedObject;
    const target = involved.name ? `${(involved.kind ?? '').toLowerCase()}/${involved.name}` : (involved.kind ?? '').toLowerCase();
    const component = event.source?.component || event.reportingComponent || '';
    const instance = event.source?.host || event.reportingInstance || '';
    const source = instance ? `${component}, ${instance}` : component;
    return { cells: [last, event.type ?? '', event.reason ?? '', target, involved.fieldPath ?? '', source, (event.message ?? '').trim(), first, count, nameOf(event)] };
  },
};

function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodes: Printer<Node> = {
  columns: [
    NAME,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE,
    column('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of addresses reachable to the node.'),
    wide('External-IP', 'List of addresses reachable to the node.'),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide('Container-Runtime', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  row: (node, now) => {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
    const info = node.status?.nodeInfo;
    const known = (text: string | undefined) => text || '<unknown>';
    return {
      cells: [
        nameOf(node),
        status.join(','),
        nodeRoles(node),
        ageOf(node, now),
        info?.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        known(info?.osImage),
        known(info?.kernelVersion),
        known(info?.containerRuntimeVersion),
      ],
    };
  },
};

/** The API server's default for resources without a printer: Name and Created At. */
const defaultPrinter: Printer<KubeObject> = {
  columns: [NAME, column('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  row: (object) => ({ cells: [nameOf(object), object.metadata?.creationTimestamp ?? ''] }),
};

const faults: Printer<FaultObject> = {
  columns: [
    NAME,
    column('Fault', 'What the fault does: pod-delete, pod-kill, container-kill, pause, partition, netem.'),
    column('Targets', 'The pods it targets.'),
    column('Phase', 'Active (in force), Done (happened at once), Healed or Failed.'),
    AGE,
    wide('Message', 'What was done, or why it failed.'),
  ],
  row: (fault, now) => ({ cells: [nameOf(fault), fault.spec?.fault ?? '', (fault.spec?.targets ?? []).join(','), fault.status?.phase ?? 'Pending', ageOf(fault, now), fault.status?.message ?? ''] }),
};

const PRINTERS: Record<string, Printer<never>> = {
  faults,
  pods,
  statefulsets,
  deployments,
  replicasets,
  services,
  endpoints,
  endpointslices,
  persistentvolumeclaims,
  configmaps,
  secrets,
  events,
  namespaces,
  poddisruptionbudgets,
  controllerrevisions,
  nodes,
};

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} };
}

/** The Table for a list (or one object) of `resource` (plural, lower case: `pods`). */
export function toTable(resource: string, objects: readonly KubeObject[], options: TableOptions = {}): Table {
  const printer = (PRINTERS[resource] ?? defaultPrinter) as Printer<KubeObject>;
  const now = options.now ?? new Date();
  const include = options.includeObject ?? 'Metadata';
  const rows = objects.map((object) => {
    const { cells, conditions } = printer.row(object, now);
    const row: TableRow = { cells };
    if (conditions) row.conditions = conditions;
    const attached = rowObject(object, include);
    if (attached !== undefined) row.object = attached;
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: options.noHeaders ? [] : printer.columns, rows };
}

/** Resources with a printer of their own. */
export const PRINTED_RESOURCES: readonly string[] = Object.keys(PRINTERS);
