import { stringify } from 'yaml';
import type { Pod, PersistentVolumeClaim, Service } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { STATUS_ANNOTATION, VOLUMES_ANNOTATION } from '../engine/views.ts';
import { EmuError } from '../errors.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';
type KubeItem = Pod | StatefulSet | Service | PersistentVolumeClaim;

export function parseOutput(value: string | undefined): OutputFormat {
  if (!value) return 'table';
  if (['wide', 'json', 'yaml', 'name'].includes(value)) return value as OutputFormat;
  throw new EmuError('USAGE', `unable to match a printer suitable for the output format "${value}", allowed formats are: json,name,wide,yaml`);
}

/** kubectl's age (apimachinery's HumanDuration): 45s, 3m12s, 25m, 5h30m, 3d5h, 2y70d. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return pair(m, 'm', s % 60, 's');
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return pair(h, 'h', m % 60, 'm');
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return pair(d, 'd', h % 24, 'h');
  if (h < 24 * 365 * 2) return `${d}d`;
  if (h < 24 * 365 * 8) return pair(Math.floor(d / 365), 'y', d % 365, 'd');
  return `${Math.floor(d / 365)}y`;
}

/** Rows for one resource type: header and one row per item. */
export function tableRows(resource: string, items: KubeItem[], wide: boolean): string[][] {
  switch (resource) {
    case 'pods':
      return [
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE', 'VOLUMES'] : [])],
        ...(items as Pod[]).map((p) => {
          const cs = p.status?.containerStatuses ?? [];
          const restarts = cs.reduce((n, c) => n + c.restartCount, 0);
          const row = [p.metadata!.name!, `${cs.filter((c) => c.ready).length}/${cs.length}`, p.metadata?.annotations?.[STATUS_ANNOTATION] ?? p.status?.phase ?? '', String(restarts), age(p.metadata?.creationTimestamp)];
          return wide ? [...row, p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', p.metadata?.annotations?.[VOLUMES_ANNOTATION] || '<none>'] : row;
        }),
      ];
    case 'statefulsets':
      return [
        ['NAME', 'READY', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES'] : [])],
        ...(items as StatefulSet[]).map((s) => {
          const row = [s.metadata!.name!, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, age(s.metadata?.creationTimestamp)];
          const containers = s.spec?.template.spec?.containers ?? [];
          return wide ? [...row, containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')] : row;
        }),
      ];
    case 'services':
      return [
        ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(wide ? ['SELECTOR'] : [])],
        ...(items as Service[]).map((s) => {
          const ports = (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
          const row = [s.metadata!.name!, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '<none>', '<none>', ports, age(s.metadata?.creationTimestamp)];
          const selector = Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
          return wide ? [...row, selector] : row;
        }),
      ];
    case 'persistentvolumeclaims':
      return [
        ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE'],
        ...(items as PersistentVolumeClaim[]).map((c) => [c.metadata!.name!, c.status?.phase ?? 'Bound', c.spec?.volumeName ?? '', '-', 'RWO', c.spec?.storageClassName ?? '', age(c.metadata?.creationTimestamp)]),
      ];
    default:
      throw new EmuError('USAGE', `the server doesn't have a resource type "${resource}"`);
  }
}

/** Columns padded like kubectl's tabwriter: three spaces between columns. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('').trimEnd()).join('\n');
}

const SINGULAR: Record<string, string> = { pods: 'pod', statefulsets: 'statefulset.apps', services: 'service', persistentvolumeclaims: 'persistentvolumeclaim' };

export function formatItems(resource: string, items: KubeItem[], format: OutputFormat, single: boolean): string {
  if (format === 'name') return items.map((i) => `${SINGULAR[resource]}/${i.metadata!.name}`).join('\n');
  if (format === 'json' || format === 'yaml') {
    const doc = single ? items[0] : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
    return format === 'json' ? JSON.stringify(doc, null, 4) : stringify(doc).trimEnd();
  }
  return formatTable(tableRows(resource, items, format === 'wide'));
}

/** kubectl's resource aliases. */
export function resourceName(type: string): string {
  const t = type.toLowerCase();
  if (['po', 'pod', 'pods'].includes(t)) return 'pods';
  if (['sts', 'statefulset', 'statefulsets', 'statefulset.apps', 'statefulsets.apps'].includes(t)) return 'statefulsets';
  if (['svc', 'service', 'services'].includes(t)) return 'services';
  if (['pvc', 'persistentvolumeclaim', 'persistentvolumeclaims'].includes(t)) return 'persistentvolumeclaims';
  throw new EmuError('USAGE', `the server doesn't have a resource type "${type}" (emu knows pods, statefulsets, services, pvc)`);
}
