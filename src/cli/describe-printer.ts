import type { Event, Pod, PodTemplateSpec, Service } from 'kubernetes-types/core/v1.d.ts';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Endpoints } from 'kubernetes-types/core/v1.d.ts';
import { age, formatTable } from './printers.ts';

const kv = (pairs: Record<string, string> | undefined) => Object.entries(pairs ?? {}).map(([k, v]) => `${k}=${v}`);

function field(label: string, value: string | number | undefined, indent = 0): string {
  return `${' '.repeat(indent)}${(label + ':').padEnd(Math.max(18 - indent, label.length + 3))}${value ?? '<none>'}`;
}

function multi(label: string, values: string[]): string[] {
  if (values.length === 0) return [field(label, '<none>')];
  return [field(label, values[0]), ...values.slice(1).map((v) => ' '.repeat(18) + v)];
}

export function eventsTable(events: Event[]): string[] {
  if (events.length === 0) return ['Events:            <none>'];
  const rows = [['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------']];
  // By time (to the second), then by when the API last wrote them: events of the same second stay in the order they happened.
  const version = (e: Event) => Number(e.metadata?.resourceVersion ?? 0);
  const sorted = [...events].sort((a, b) => Date.parse(a.lastTimestamp ?? '') - Date.parse(b.lastTimestamp ?? '') || version(a) - version(b));
  for (const e of sorted) {
    const count = e.count ?? 1;
    const seen = count > 1 ? `${age(e.lastTimestamp)} (x${count} over ${age(e.firstTimestamp)})` : age(e.firstTimestamp);
    rows.push([e.type ?? 'Normal', e.reason ?? '', seen, e.source?.component ?? e.reportingComponent ?? '', e.message ?? '']);
  }
  return ['Events:', ...formatTable(rows).split('\n').map((l) => '  ' + l)];
}

/** kubectl's STATUS for a pod: a waiting or terminated reason, Terminating, or the phase. */
export function podStatusText(pod: Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const s = pod.status;
  for (const c of s?.initContainerStatuses ?? []) {
    if (c.state?.terminated && c.state.terminated.exitCode !== 0) return `Init:${c.state.terminated.reason ?? 'Error'}`;
    if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') return `Init:${c.state.waiting.reason}`;
  }
  for (const c of s?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return s?.reason ?? s?.phase ?? 'Pending';
}

export function describePod(pod: Pod, events: Event[], volumeDirs: string[] = []): string {
  const s = pod.status!;
  const lines = [
    field('Name', pod.metadata!.name),
    field('Namespace', pod.metadata!.namespace),
    field('Node', `emu/${s.hostIP}`),
    field('Start Time', s.startTime),
    ...multi('Labels', kv(pod.metadata!.labels)),
    field('Status', podStatusText(pod)),
    field('IP', s.podIP),
    ...(pod.metadata!.ownerReferences?.[0] ? [field('Controlled By', `${pod.metadata!.ownerReferences[0].kind}/${pod.metadata!.ownerReferences[0].name}`)] : []),
    ...(pod.spec!.subdomain ? [field('Hostname', `${pod.spec!.hostname ?? pod.metadata!.name}.${pod.spec!.subdomain}`)] : []),
  ];
  const containers = (title: string, statuses: typeof s.containerStatuses) => {
    if (!statuses?.length) return;
    lines.push(`${title}:`);
    for (const c of statuses) {
      lines.push(`  ${c.name}:`, field('Image', c.image, 4));
      const state = c.state ?? {};
      if (state.running) lines.push(field('State', 'Running', 4), field('Started', state.running.startedAt, 6));
      if (state.waiting) lines.push(field('State', 'Waiting', 4), field('Reason', state.waiting.reason, 6));
      if (state.terminated) lines.push(field('State', 'Terminated', 4), field('Reason', state.terminated.reason, 6), field('Exit Code', state.terminated.exitCode, 6));
      const last = c.lastState?.terminated;
      if (last) lines.push(field('Last State', 'Terminated', 4), field('Reason', last.reason, 6), field('Exit Code', last.exitCode, 6));
      lines.push(field('Ready', c.ready ? 'True' : 'False', 4), field('Restart Count', c.restartCount, 4));
    }
  };
  containers('Init Containers', s.initContainerStatuses);
  containers('Containers', s.containerStatuses);
  lines.push('Conditions:', '  Type              Status', ...(s.conditions ?? []).map((c) => `  ${c.type.padEnd(18)}${c.status}`));
  lines.push(...multi('Volumes', volumeDirs));
  lines.push(...eventsTable(events));
  return lines.join('\n');
}

export function describeStatefulSet(set: StatefulSet, events: Event[]): string {
  const spec = set.spec!;
  const st = set.status ?? { replicas: 0 };
  const lines = [
    field('Name', set.metadata!.name),
    field('Namespace', set.metadata!.namespace),
    field('CreationTimestamp', set.metadata!.creationTimestamp),
    field('Selector', kv(spec.selector.matchLabels).join(',')),
    ...multi('Labels', kv(set.metadata!.labels)),
    field('Replicas', `${spec.replicas} desired | ${st.replicas} total`),
    field('Update Strategy', spec.updateStrategy?.type),
    ...(spec.updateStrategy?.type === 'RollingUpdate' ? [field('Partition', spec.updateStrategy.rollingUpdate?.partition ?? 0, 2)] : []),
    field('Pod Management', spec.podManagementPolicy),
    field('Pods Status', `${st.readyReplicas ?? 0} Ready / ${st.replicas} Total`),
    field('Current Revision', st.currentRevision),
    field('Update Revision', st.updateRevision),
    ...podTemplateLines(spec.template),
    'Volume Claims:',
    ...(spec.volumeClaimTemplates ?? []).map((t) => `  Name: ${t.metadata?.name}`),
    ...eventsTable(events),
  ];
  return lines.join('\n');
}

/** kubectl's "Pod Template:" block: labels, annotations, containers with image, ports, command, environment and mounts, volumes. */
export function podTemplateLines(template: PodTemplateSpec): string[] {
  const spec = template.spec;
  const volumes = (spec?.volumes ?? []).map((v) => {
    const source = v.persistentVolumeClaim ? `PersistentVolumeClaim (claim ${v.persistentVolumeClaim.claimName})` : v.configMap ? `ConfigMap (${v.configMap.name})` : v.secret ? `Secret (${v.secret.secretName})` : 'EmptyDir';
    return `${v.name}: ${source}`;
  });
  return [
    'Pod Template:',
    ...multi('  Labels', kv(template.metadata?.labels)),
    ...(template.metadata?.annotations ? multi('  Annotations', kv(template.metadata.annotations)) : []),
    '  Containers:',
    ...(spec?.containers ?? []).flatMap((c) => [
      `   ${c.name}:`,
      field('Image', c.image, 4),
      field('Ports', (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>', 4),
      ...(c.command ? [field('Command', c.command.join(' '), 4)] : []),
      ...(c.args ? [field('Args', c.args.join(' '), 4)] : []),
      field('Environment', (c.env ?? []).map((e) => `${e.name}=${e.value ?? '<set from a reference>'}`).join(', ') || '<none>', 4),
      field('Mounts', (c.volumeMounts ?? []).map((m) => `${m.mountPath} from ${m.name}${m.readOnly ? ' (ro)' : ' (rw)'}`).join(', ') || '<none>', 4),
    ]),
    ...multi('  Volumes', volumes),
  ];
}

/** kubectl describe deployment: replicas, strategy, the pod template, conditions and its ReplicaSets. */
export function describeDeployment(d: Deployment, replicaSets: ReplicaSet[], events: Event[]): string {
  const spec = d.spec!;
  const st = d.status ?? {};
  const rolling = spec.strategy?.rollingUpdate;
  const setLine = (rs: ReplicaSet) => `${rs.metadata!.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
  const template = spec.template;
  const isNew = (rs: ReplicaSet) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const newSet = replicaSets.find(isNew);
  const old = replicaSets.filter((rs) => rs !== newSet && (rs.spec?.replicas ?? 0) > 0);
  const lines = [
    field('Name', d.metadata!.name),
    field('Namespace', d.metadata!.namespace),
    field('CreationTimestamp', d.metadata!.creationTimestamp),
    ...multi('Labels', kv(d.metadata!.labels)),
    ...multi('Annotations', Object.entries(d.metadata!.annotations ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration').map(([k, v]) => `${k}: ${v}`)),
    field('Selector', kv(spec.selector.matchLabels).join(',')),
    field('Replicas', `${spec.replicas} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`),
    field('StrategyType', spec.strategy?.type),
    field('MinReadySeconds', spec.minReadySeconds ?? 0),
    ...(rolling ? [field('RollingUpdateStrategy', `${rolling.maxUnavailable} max unavailable, ${rolling.maxSurge} max surge`)] : []),
    ...podTemplateLines(template),
    'Conditions:',
    ...formatTable([['Type', 'Status', 'Reason'], ['----', '------', '------'], ...(st.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? ''])]).split('\n').map((l) => '  ' + l),
    field('OldReplicaSets', old.map(setLine).join(', ') || '<none>'),
    field('NewReplicaSet', newSet ? setLine(newSet) : '<none>'),
    ...eventsTable(events),
  ];
  return lines.join('\n');
}

export function describeService(service: Service, endpoints: Endpoints | undefined, events: Event[]): string {
  const spec = service.spec!;
  const addresses = (endpoints?.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`)));
  const lines = [
    field('Name', service.metadata!.name),
    field('Namespace', service.metadata!.namespace),
    ...multi('Labels', kv(service.metadata!.labels)),
    field('Selector', kv(spec.selector).join(',') || '<none>'),
    field('Type', spec.type),
    field('IP Family Policy', 'SingleStack'),
    field('IP Families', 'IPv4'),
    field('IP', spec.clusterIP),
    field('IPs', spec.clusterIP),
    ...(spec.ports ?? []).flatMap((p) => [field('Port', `${p.name || '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`), field('TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`)]),
    field('Endpoints', addresses.join(',') || '<none>'),
    field('Session Affinity', 'None'),
    ...eventsTable(events),
  ];
  return lines.join('\n');
}
