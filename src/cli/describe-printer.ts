import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { ClusterEvent } from '../engine/cluster.ts';
import { STATUS_ANNOTATION, VOLUMES_ANNOTATION } from '../engine/views.ts';
import { age, formatTable } from './printers.ts';

const kv = (pairs: Record<string, string> | undefined) => Object.entries(pairs ?? {}).map(([k, v]) => `${k}=${v}`);

function field(label: string, value: string | number | undefined, indent = 0): string {
  return `${' '.repeat(indent)}${(label + ':').padEnd(Math.max(18 - indent, label.length + 3))}${value ?? '<none>'}`;
}

function multi(label: string, values: string[]): string[] {
  if (values.length === 0) return [field(label, '<none>')];
  return [field(label, values[0]), ...values.slice(1).map((v) => ' '.repeat(18) + v)];
}

export function eventsTable(events: ClusterEvent[]): string[] {
  if (events.length === 0) return ['Events:            <none>'];
  const rows = [['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------']];
  for (const e of events) {
    const seen = e.count > 1 ? `${age(new Date(e.lastSeen).toISOString())} (x${e.count} over ${age(new Date(e.firstSeen).toISOString())})` : age(new Date(e.firstSeen).toISOString());
    rows.push([e.type, e.reason, seen, e.object.startsWith('Pod') ? 'kubelet' : 'statefulset-controller', e.message]);
  }
  return ['Events:', ...formatTable(rows).split('\n').map((l) => '  ' + l)];
}

export function describePod(pod: Pod, events: ClusterEvent[]): string {
  const s = pod.status!;
  const lines = [
    field('Name', pod.metadata!.name),
    field('Namespace', pod.metadata!.namespace),
    field('Node', `emu/${s.hostIP}`),
    field('Start Time', s.startTime),
    ...multi('Labels', kv(pod.metadata!.labels)),
    field('Status', pod.metadata?.annotations?.[STATUS_ANNOTATION] ?? s.phase),
    field('IP', s.podIP),
    field('Controlled By', `StatefulSet/${pod.metadata!.ownerReferences?.[0]?.name}`),
    field('Hostname', `${pod.spec!.hostname}.${pod.spec!.subdomain}`),
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
  lines.push(...multi('Volumes', (pod.metadata?.annotations?.[VOLUMES_ANNOTATION] ?? '').split(',').filter(Boolean)));
  lines.push(...eventsTable(events));
  return lines.join('\n');
}

export function describeStatefulSet(set: StatefulSet, events: ClusterEvent[]): string {
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
    'Pod Template:',
    ...multi('  Labels', kv(spec.template.metadata?.labels)),
    '  Containers:',
    ...(spec.template.spec?.containers ?? []).flatMap((c) => [`   ${c.name}:`, field('Image', c.image, 4), field('Ports', (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>', 4)]),
    'Volume Claims:',
    ...(spec.volumeClaimTemplates ?? []).map((t) => `  Name: ${t.metadata?.name}`),
    ...eventsTable(events),
  ];
  return lines.join('\n');
}
