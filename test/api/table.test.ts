import { describe, expect, it } from 'vitest';
import type { Pod, ContainerStatus } from 'kubernetes-types/core/v1.d.ts';
import { toTable } from '../../src/api/table.ts';
import { humanDuration } from '../../src/api/human-duration.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const meta = (name: string, seconds = 300) => ({ name, namespace: 'default', creationTimestamp: ago(seconds), uid: `uid-${name}` });

function cells(resource: string, object: object): unknown[] {
  return toTable(resource, [object], { now: NOW }).rows[0].cells;
}

function running(name: string, ready = true, restartCount = 0): ContainerStatus {
  return { name, ready, restartCount, image: 'nginx', imageID: '', started: true, state: { running: { startedAt: ago(60) } } };
}

function pod(status: Pod['status'], spec: Partial<NonNullable<Pod['spec']>> = {}, extra: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta('web-0'), ...extra }, spec: { containers: [{ name: 'nginx' }], nodeName: 'emu', ...spec }, status };
}

describe('HumanDuration', () => {
  it.each([
    [-5, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [192, '3m12s'],
    [600, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 30 * 60, '5h30m'],
    [47 * 3600, '47h'],
    [3 * 86400 + 5 * 3600, '3d5h'],
    [8 * 86400, '8d'],
    [(2 * 365 + 70) * 86400, '2y70d'],
    [9 * 365 * 86400, '9y'],
  ])('%i s → %s', (seconds, text) => {
    expect(humanDuration(seconds * 1000)).toBe(text);
  });
});

describe('pods', () => {
  it('prints a ready pod with the wide cells the API server always includes', () => {
    const table = toTable('pods', [pod({ phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [running('nginx')] })], { now: NOW });
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(table.rows[0].cells).toEqual(['web-0', '1/1', 'Running', '0', '5m', '10.244.0.5', 'emu', '<none>', '<none>']);
    expect(table.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta('web-0') });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
  });

  it('shows CrashLoopBackOff with restarts and when the last one was', () => {
    const status: ContainerStatus = {
      name: 'nginx',
      ready: false,
      restartCount: 5,
      image: 'nginx',
      imageID: '',
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(180) } },
    };
    expect(cells('pods', pod({ phase: 'Running', containerStatuses: [status] })).slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '5 (3m ago)']);
  });

  it.each([
    ['an init container running', { state: { running: {} } }, 'Init:0/1'],
    ['an init container crash-looping', { state: { waiting: { reason: 'CrashLoopBackOff' } } }, 'Init:CrashLoopBackOff'],
    ['an init container failed with a reason', { state: { terminated: { exitCode: 1, reason: 'Error' } } }, 'Init:Error'],
    ['an init container failed without one', { state: { terminated: { exitCode: 3 } } }, 'Init:ExitCode:3'],
    ['an init container killed by a signal', { state: { terminated: { exitCode: 137, signal: 9 } } }, 'Init:Signal:9'],
  ])('shows %s as %s', (_what, state, text) => {
    const init = { name: 'init', ready: false, restartCount: 0, image: 'busybox', imageID: '', ...state } as ContainerStatus;
    const row = cells('pods', pod({ phase: 'Pending', initContainerStatuses: [init], containerStatuses: [{ ...running('nginx', false), state: { waiting: { reason: 'PodInitializing' } } }] }, { initContainers: [{ name: 'init' }] }));
    expect(row[2]).toBe(text);
  });

  it('shows Completed for a pod that succeeded, with the completed row condition', () => {
    const done: ContainerStatus = { ...running('nginx', false), state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    const table = toTable('pods', [pod({ phase: 'Succeeded', containerStatuses: [done] })], { now: NOW });
    expect(table.rows[0].cells.slice(1, 3)).toEqual(['0/1', 'Completed']);
    expect(table.rows[0].conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  it('shows ExitCode and Signal for containers that ended without a reason', () => {
    const ended = (terminated: object): ContainerStatus => ({ ...running('nginx', false), state: { terminated: { exitCode: 0, ...terminated } } });
    expect(cells('pods', pod({ phase: 'Running', containerStatuses: [ended({ exitCode: 2 })] }))[2]).toBe('ExitCode:2');
    expect(cells('pods', pod({ phase: 'Running', containerStatuses: [ended({ exitCode: 143, signal: 15 })] }))[2]).toBe('Signal:15');
  });

  it('shows Terminating once the pod is being deleted, but not for a finished pod', () => {
    const deleting = { deletionTimestamp: ago(0) };
    expect(cells('pods', pod({ phase: 'Running', containerStatuses: [running('nginx')] }, {}, deleting))[2]).toBe('Terminating');
    expect(cells('pods', pod({ phase: 'Succeeded', containerStatuses: [] }, {}, deleting))[2]).toBe('Succeeded');
  });

  it('counts restartable init containers (sidecars) as containers', () => {
    const sidecar: ContainerStatus = { ...running('proxy'), restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } };
    const row = cells(
      'pods',
      pod(
        { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [sidecar], containerStatuses: [running('nginx')] },
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      ),
    );
    expect(row.slice(1, 4)).toEqual(['2/2', 'Running', '1 (30s ago)']);
  });

  it('counts readiness gates that are true', () => {
    const row = cells('pods', pod({ phase: 'Running', conditions: [{ type: 'example.com/ok', status: 'True' }] }, { readinessGates: [{ conditionType: 'example.com/ok' }, { conditionType: 'example.com/no' }] }));
    expect(row[8]).toBe('1/2');
  });
});

describe('workloads', () => {
  const template = { spec: { containers: [{ name: 'nginx', image: 'nginx-slim:0.24' }, { name: 'log', image: 'busybox' }] } };
  it('prints StatefulSets as READY ready/desired with containers and images', () => {
    const set = { kind: 'StatefulSet', metadata: meta('web', 90), spec: { replicas: 2, serviceName: 'nginx', selector: {}, template }, status: { replicas: 2, readyReplicas: 1 } };
    expect(cells('statefulsets', set)).toEqual(['web', '1/2', '90s', 'nginx,log', 'nginx-slim:0.24,busybox']);
  });

  it('prints Deployments and ReplicaSets with their selector', () => {
    const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] };
    const deployment = { metadata: meta('web'), spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(cells('deployments', deployment)).toEqual(['web', '2/3', 3, 2, '5m', 'nginx,log', 'nginx-slim:0.24,busybox', 'app=web,tier in (a,b)']);
    const rs = { metadata: meta('web-5d4'), spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } };
    expect(cells('replicasets', rs)).toEqual(['web-5d4', 3, 3, 1, '5m', 'nginx,log', 'nginx-slim:0.24,busybox', 'app=web,tier in (a,b)']);
  });

  it('prints ControllerRevisions with their controller and PodDisruptionBudgets', () => {
    const revision = { metadata: { ...meta('web-7b9'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 };
    expect(cells('controllerrevisions', revision)).toEqual(['web-7b9', 'statefulset.apps/web', 2, '5m']);
    const pdb = { metadata: meta('web'), spec: { minAvailable: 1 }, status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } };
    expect(cells('poddisruptionbudgets', pdb)).toEqual(['web', '1', 'N/A', 1, '5m']);
  });
});

describe('services and endpoints', () => {
  it('prints headless, ClusterIP and NodePort services', () => {
    const headless = { metadata: meta('nginx'), spec: { clusterIP: 'None', ports: [{ port: 80, name: 'web' }], selector: { app: 'nginx' } } };
    expect(cells('services', headless)).toEqual(['nginx', 'ClusterIP', 'None', '<none>', '80/TCP', '5m', 'app=nginx']);
    const nodePort = { metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP' }] } };
    expect(cells('services', nodePort)).toEqual(['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '5m', '<none>']);
    const balancer = { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.96.0.11' } };
    expect(cells('services', balancer).slice(3, 5)).toEqual(['<pending>', '<none>']);
  });

  it('lists three endpoints and counts the rest', () => {
    const addresses = ['10.244.0.1', '10.244.0.2', '10.244.0.3', '10.244.0.4'].map((ip) => ({ ip }));
    expect(cells('endpoints', { metadata: meta('nginx'), subsets: [{ addresses, ports: [{ port: 80 }] }] })).toEqual(['nginx', '10.244.0.1:80,10.244.0.2:80,10.244.0.3:80 + 1 more...', '5m']);
    expect(cells('endpoints', { metadata: meta('empty') })[1]).toBe('<none>');
    const slice = { metadata: meta('nginx-abc'), addressType: 'IPv4', ports: [{ port: 80, name: 'web' }], endpoints: [{ addresses: ['10.244.0.1'] }, { addresses: ['10.244.0.2'] }] };
    expect(cells('endpointslices', slice)).toEqual(['nginx-abc', 'IPv4', '80', '10.244.0.1,10.244.0.2', '5m']);
    expect(cells('endpointslices', { metadata: meta('none'), addressType: 'IPv4', endpoints: [] }).slice(2, 4)).toEqual(['<unset>', '<unset>']);
  });
});

describe('storage, configuration and the cluster', () => {
  it('prints bound and pending claims', () => {
    const bound = {
      metadata: meta('www-web-0'),
      spec: { volumeName: 'pvc-1', storageClassName: 'standard', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound', accessModes: ['ReadWriteMany', 'ReadWriteOnce'], capacity: { storage: '1Gi' } },
    };
    expect(cells('persistentvolumeclaims', bound)).toEqual(['www-web-0', 'Bound', 'pvc-1', '1Gi', 'RWO,RWX', 'standard', '<unset>', '5m', 'Filesystem']);
    const pending = { metadata: meta('www-web-1'), spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
    expect(cells('persistentvolumeclaims', pending)).toEqual(['www-web-1', 'Pending', '', '', '', '', '<unset>', '5m', '<unset>']);
  });

  it('counts ConfigMap and Secret data', () => {
    expect(cells('configmaps', { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })).toEqual(['cfg', 3, '5m']);
    expect(cells('secrets', { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } })).toEqual(['s', 'kubernetes.io/tls', 2, '5m']);
  });

  it('prints events with the object, source and counts', () => {
    const event = {
      metadata: meta('web-0.17f'),
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{nginx}' },
      reason: 'Started',
      message: 'Started container nginx\n',
      source: { component: 'kubelet', host: 'emu' },
      firstTimestamp: ago(600),
      lastTimestamp: ago(60),
      count: 3,
      type: 'Normal',
    };
    expect(cells('events', event)).toEqual(['60s', 'Normal', 'Started', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, emu', 'Started container nginx', '10m', 3, 'web-0.17f']);
    const fresh = { metadata: meta('e2'), involvedObject: { kind: 'StatefulSet' }, eventTime: ago(5), reportingComponent: 'statefulset-controller', type: 'Warning', reason: 'X' };
    expect(cells('events', fresh)).toEqual(['5s', 'Warning', 'X', 'statefulset', '', 'statefulset-controller', '', '5s', 1, 'e2']);
  });

  it('prints namespaces and nodes', () => {
    expect(cells('namespaces', { metadata: meta('default', 86400 * 3), status: { phase: 'Active' } })).toEqual(['default', 'Active', '3d']);
    const node = {
      metadata: { ...meta('emu'), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.244.0.1' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: '' },
      },
    };
    expect(cells('nodes', node)).toEqual(['emu', 'Ready,SchedulingDisabled', 'control-plane', '5m', 'v1.32.0', '10.244.0.1', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', '<unknown>']);
  });

  it('falls back to Name and Created At, and honours includeObject and list metadata', () => {
    const object = { kind: 'Widget', metadata: meta('w') };
    const table = toTable('widgets', [object], { now: NOW, includeObject: 'Object', resourceVersion: '42' });
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(table.rows[0]).toEqual({ cells: ['w', ago(300)], object });
    expect(table.metadata).toEqual({ resourceVersion: '42' });
    expect(toTable('pods', [object], { includeObject: 'None', noHeaders: true })).toMatchObject({ columnDefinitions: [], rows: [{ cells: expect.any(Array) }] });
    expect(toTable('pods', [object], { includeObject: 'None' }).rows[0].object).toBeUndefined();
  });
});
