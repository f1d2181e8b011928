import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PersistentVolumeClaim, Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { age, formatItems, formatTable, parseOutput, resourceName, tableRows } from '../../src/cli/printers.ts';
import { STATUS_ANNOTATION, VOLUMES_ANNOTATION } from '../../src/engine/views.ts';
import { EmuError } from '../../src/errors.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
const S = 1, M = 60, H = 3600, D = 86400;

function usageError(fn: () => unknown): EmuError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EmuError);
    expect((e as EmuError).code).toBe('USAGE');
    return e as EmuError;
  }
  throw new Error('expected a usage error');
}

describe('age', () => {
  // Expected values are those of kubectl (k8s.io/apimachinery/pkg/util/duration.HumanDuration).
  it.each([
    [0, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M + 1 * S, '2m1s'],
    [3 * M + 12 * S, '3m12s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [25 * M + 30 * S, '25m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [2 * D, '2d'],
    [8 * D, '8d'],
    [400 * D, '400d'],
  ])('%i seconds → %s', (seconds, expected) => {
    expect(age(ago(seconds), NOW)).toBe(expected);
  });

  it('shows <unknown> without a timestamp, and 0s for up to a second of clock skew', () => {
    expect(age(undefined, NOW)).toBe('<unknown>');
    expect(age(new Date(NOW + 900).toISOString(), NOW)).toBe('0s');
  });

  it('uses the current time by default', () => {
    expect(age(new Date(Date.now() - 5000).toISOString())).toMatch(/^[56]s$/);
  });

  // BUG: kubectl prints sub-units inside these windows; emu drops them.
  it('prints whole minutes under 10m without "0s" (kubectl: 3m)', () => {
    expect(age(ago(3 * M), NOW)).toBe('3m');
  });
  it('prints hours and minutes from 3h to 8h (kubectl: 5h30m)', () => {
    expect(age(ago(5 * H + 30 * M), NOW)).toBe('5h30m');
  });
  it('prints days and hours from 2d to 8d (kubectl: 3d5h)', () => {
    expect(age(ago(3 * D + 5 * H), NOW)).toBe('3d5h');
  });
  it('prints years past two years (kubectl: 2y70d for 800 days)', () => {
    expect(age(ago(800 * D), NOW)).toBe('2y70d');
  });
});

describe('formatTable', () => {
  it('aligns columns with three spaces after the widest cell and no trailing spaces', () => {
    const out = formatTable([
      ['NAME', 'READY', 'AGE'],
      ['web-0', '1/1', '5s'],
      ['web-10', '0/1', '119s'],
    ]);
    expect(out).toBe(['NAME     READY   AGE', 'web-0    1/1     5s', 'web-10   0/1     119s'].join('\n'));
  });

  it('starts every column at the same offset on every line', () => {
    const rows = [
      ['A', 'LONGER-HEADER', 'C'],
      ['something-long', 'x', 'last column'],
      ['s', '', 'z'],
    ];
    const lines = formatTable(rows).split('\n');
    const starts = (line: string, row: string[]) => {
      let from = 0;
      return row.map((cell) => {
        const at = line.indexOf(cell, from);
        from = at + cell.length;
        return at;
      });
    };
    expect(starts(lines[0], rows[0])).toEqual(starts(lines[1], rows[1]));
    expect(starts(lines[1], rows[1])[2]).toBe(starts(lines[2], rows[2])[2]);
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });
});

function makePod(name: string, o: { ready?: boolean[]; restarts?: number[]; phase?: string; status?: string; ip?: string; volumes?: string; created?: string; node?: string | null } = {}): Pod {
  const ready = o.ready ?? [true];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: o.created ?? ago(30),
      annotations: { ...(o.status ? { [STATUS_ANNOTATION]: o.status } : {}), ...(o.volumes !== undefined ? { [VOLUMES_ANNOTATION]: o.volumes } : {}) },
    },
    spec: { nodeName: o.node === null ? undefined : (o.node ?? 'emu'), containers: ready.map((_, i) => ({ name: `c${i}`, image: 'nginx' })) },
    status: {
      phase: o.phase ?? 'Running',
      podIP: o.ip,
      containerStatuses: ready.map((r, i) => ({ name: `c${i}`, image: 'nginx', imageID: '', ready: r, restartCount: o.restarts?.[i] ?? 0 })),
    },
  };
}

const statefulSet: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', creationTimestamp: ago(10 * M) },
  spec: {
    replicas: 3,
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] } },
  },
  status: { replicas: 3, readyReplicas: 2 },
};

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', creationTimestamp: ago(2 * H) },
  spec: { clusterIP: 'None', selector: { app: 'web', tier: 'front' }, ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] },
};

const claim: PersistentVolumeClaim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'www-web-0', creationTimestamp: ago(3 * D) },
  spec: { storageClassName: 'standard', volumeName: 'pvc-1' },
  status: { phase: 'Bound' },
};

describe('tableRows', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pods: ready containers / all, summed restarts, emu status before phase, age', () => {
    const rows = tableRows('pods', [makePod('web-0', { ready: [true, false], restarts: [2, 3], status: 'CrashLoopBackOff' }), makePod('web-1')], false);
    expect(rows[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rows[1]).toEqual(['web-0', '1/2', 'CrashLoopBackOff', '5', '30s']);
    expect(rows[2]).toEqual(['web-1', '1/1', 'Running', '0', '30s']);
  });

  it('pods -o wide: IP (or <none>), node (or <none> while unscheduled) and volume dirs (or <none>)', () => {
    const rows = tableRows('pods', [makePod('web-0', { ip: '10.244.0.2', volumes: '/var/lib/emu/claims/www-web-0' }), makePod('web-1', { volumes: '' }), makePod('web-2', { node: null, status: 'Pending' })], true);
    expect(rows[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'VOLUMES']);
    expect(rows[1].slice(5)).toEqual(['10.244.0.2', 'emu', '/var/lib/emu/claims/www-web-0']);
    expect(rows[2].slice(5)).toEqual(['<none>', 'emu', '<none>']);
    expect(rows[3].slice(2, 3).concat(rows[3].slice(5))).toEqual(['Pending', '<none>', '<none>', '<none>']);
  });

  it('statefulsets: ready/desired replicas; wide adds containers and images', () => {
    expect(tableRows('statefulsets', [statefulSet], false)).toEqual([
      ['NAME', 'READY', 'AGE'],
      ['web', '2/3', '10m'],
    ]);
    expect(tableRows('statefulsets', [statefulSet], true)[1]).toEqual(['web', '2/3', '10m', 'nginx,sidecar', 'nginx:1.25,busybox']);
  });

  it('services: type, cluster IP, port/protocol list; wide adds the selector', () => {
    const rows = tableRows('services', [service], true);
    expect(rows[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(rows[1]).toEqual(['nginx', 'ClusterIP', 'None', '<none>', '80/TCP,53/UDP', '120m', 'app=web,tier=front']);
  });

  it('persistentvolumeclaims', () => {
    expect(tableRows('persistentvolumeclaims', [claim], false)).toEqual([
      ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE'],
      ['www-web-0', 'Bound', 'pvc-1', '-', 'RWO', 'standard', '3d'],
    ]);
  });

  it('rejects an unknown resource like kubectl', () => {
    expect(usageError(() => tableRows('deployments', [], false)).message).toContain('"deployments"');
  });

  it('formatItems renders the table through formatTable', () => {
    const out = formatItems('pods', [makePod('web-0'), makePod('web-1')], 'table', false);
    expect(out.split('\n')).toHaveLength(3);
    expect(out.split('\n')[0]).toMatch(/^NAME\s{3,}READY\s{3,}STATUS\s{3,}RESTARTS\s{3,}AGE$/);
  });
});

describe('formatItems -o name/json/yaml', () => {
  it('-o name prints <resource>/<name> lines, with kubectl group names', () => {
    expect(formatItems('pods', [makePod('web-0'), makePod('web-1')], 'name', false)).toBe('pod/web-0\npod/web-1');
    expect(formatItems('statefulsets', [statefulSet], 'name', true)).toBe('statefulset.apps/web');
    expect(formatItems('services', [service], 'name', true)).toBe('service/nginx');
    expect(formatItems('persistentvolumeclaims', [claim], 'name', true)).toBe('persistentvolumeclaim/www-web-0');
  });

  it('-o json of a single named object prints that object', () => {
    const out = formatItems('statefulsets', [statefulSet], 'json', true);
    expect(JSON.parse(out)).toEqual(statefulSet);
    expect(out.split('\n')[1]).toMatch(/^ {4}"/); // kubectl indents JSON by four spaces
  });

  it('-o json of a listing prints a v1 List', () => {
    const pods = [makePod('web-0'), makePod('web-1')];
    const doc = JSON.parse(formatItems('pods', pods, 'json', false));
    expect(doc).toEqual({ apiVersion: 'v1', kind: 'List', items: pods, metadata: { resourceVersion: '' } });
  });

  it('-o yaml of an object and of a listing', () => {
    expect(parse(formatItems('services', [service], 'yaml', true))).toEqual(service);
    const listing = parse(formatItems('services', [service], 'yaml', false));
    expect(listing.kind).toBe('List');
    expect(listing.items).toEqual([service]);
    expect(formatItems('services', [service], 'yaml', true).endsWith('\n')).toBe(false);
  });
});

describe('parseOutput', () => {
  it('accepts the kubectl formats emu implements, defaulting to the table', () => {
    expect(parseOutput(undefined)).toBe('table');
    expect(parseOutput('')).toBe('table');
    for (const f of ['wide', 'json', 'yaml', 'name'] as const) expect(parseOutput(f)).toBe(f);
  });

  it('rejects others with the allowed list', () => {
    const error = usageError(() => parseOutput('jsonpath={.items}'));
    expect(error.message).toContain('"jsonpath={.items}"');
    expect(error.message).toContain('allowed formats are: json,name,wide,yaml');
    usageError(() => parseOutput('table'));
    usageError(() => parseOutput('JSON'));
  });
});

describe('resourceName', () => {
  it.each([
    ['po', 'pods'],
    ['pod', 'pods'],
    ['Pods', 'pods'],
    ['sts', 'statefulsets'],
    ['statefulset', 'statefulsets'],
    ['statefulsets.apps', 'statefulsets'],
    ['statefulset.apps', 'statefulsets'],
    ['svc', 'services'],
    ['service', 'services'],
    ['pvc', 'persistentvolumeclaims'],
    ['persistentvolumeclaim', 'persistentvolumeclaims'],
    ['PVC', 'persistentvolumeclaims'],
  ])('%s → %s', (alias, name) => {
    expect(resourceName(alias)).toBe(name);
  });

  it('rejects unknown types, naming the type and what emu knows', () => {
    const error = usageError(() => resourceName('deploy'));
    expect(error.message).toContain('"deploy"');
    expect(error.message).toMatch(/pods.*statefulsets.*services.*pvc/);
  });
});
