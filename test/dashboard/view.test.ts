// The dashboard's view, DNS history and chaos-event reading: pure logic on
// hand-made API objects.
import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../src/api/store.ts';
import { DnsHistory } from '../../src/dashboard/dns-history.ts';
import { buildView, type DnsRow } from '../../src/dashboard/view.ts';
import { activeFaults, CHAOS_COMPONENT, FAULT_HEALED, FAULT_INJECTED, faultMessage } from '../../src/events/chaos-events.ts';

const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: `${name}-uid`, controller: true }];
const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };

function pod(name: string, ip: string, extra: { owner?: ReturnType<typeof owner>; index?: string; claim?: string } = {}): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ownerReferences: extra.owner, labels: extra.index ? { 'apps.kubernetes.io/pod-index': extra.index } : {}, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'emu', containers: [{ name: 'c', image: 'nginx' }], volumes: extra.claim ? [{ name: 'www', persistentVolumeClaim: { claimName: extra.claim } }] : [] },
    status: { ...ready, podIP: ip },
  } as ApiObject;
}

const objects = new Map<string, ApiObject[]>([
  ['StatefulSet', [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { readyReplicas: 2 } } as ApiObject]],
  ['Deployment', [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: { replicas: 1, strategy: { type: 'Recreate' } }, status: { readyReplicas: 1 } } as ApiObject]],
  ['ReplicaSet', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-5d8f', namespace: 'default', ownerReferences: owner('Deployment', 'api'), annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: 1 } } as ApiObject]],
  [
    'Pod',
    [
      pod('web-10', '10.244.0.9', { owner: owner('StatefulSet', 'web'), index: '10', claim: 'www-web-10' }),
      pod('web-2', '10.244.0.3', { owner: owner('StatefulSet', 'web'), index: '2', claim: 'www-web-2' }),
      pod('api-5d8f-x7k2p', '10.244.0.5', { owner: owner('ReplicaSet', 'api-5d8f') }),
      pod('loner', '10.244.0.6'),
    ],
  ],
  ['Service', [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } } as ApiObject]],
  [
    'EndpointSlice',
    [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'nginx-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'nginx' } },
        endpoints: [
          { addresses: ['10.244.0.3'], hostname: 'web-2', conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-2' } },
          { addresses: ['10.244.0.9'], hostname: 'web-10', conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'web-10' } },
        ],
      } as ApiObject,
    ],
  ],
  ['Widget', [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } as ApiObject]],
]);

const view = buildView({ cluster: 'c', connected: true, objects, claimDirectory: (ns, claim) => `/vol/${ns}/${claim}`, labs: [{ id: '01', title: 'Lab one' }], labResults: [] });

describe('buildView', () => {
  it('groups pods under their StatefulSet by ordinal, under their Deployment by ReplicaSet, and the rest apart', () => {
    expect(view.workloads.map((w) => [w.id, w.groups.map((g) => [g.name, g.pods.map((p) => p.name)])])).toEqual([
      ['Deployment/default/api', [['api-5d8f', ['api-5d8f-x7k2p']]]],
      ['StatefulSet/default/web', [['', ['web-2', 'web-10']]]],
      ['Pods', [['', ['loner']]]],
    ]);
    const web2 = view.workloads[1].groups[0].pods[0];
    expect(web2).toMatchObject({ ordinal: 2, status: 'Running', ready: true, ip: '10.244.0.3', restarts: '0', node: 'emu', volumes: ['/vol/default/www-web-2'] });
    expect(view.workloads[0]).toMatchObject({ summary: '1/1 ready', detail: 'Recreate' });
  });

  it('lists what DNS answers: ready endpoints only, the service before its pods', () => {
    expect(view.dns.map((r) => [r.name, r.addresses])).toEqual([
      ['nginx', ['10.244.0.3']],
      ['web-2.nginx', ['10.244.0.3']],
    ]);
    expect(view.services[0]).toMatchObject({ name: 'nginx', address: 'headless', ports: '80/TCP', endpoints: [{ pod: 'web-2', ready: true }, { pod: 'web-10', ready: false }] });
  });

  it('counts every kind it is given, including kinds it has never heard of', () => {
    expect(view.counts).toContainEqual({ kind: 'Widget', count: 1 });
    expect(view.labs).toEqual([{ id: '01', title: 'Lab one', result: undefined }]);
  });
});

describe('DnsHistory', () => {
  const row = (addresses: string[]): DnsRow => ({ name: 'web-0.nginx', namespace: 'default', fqdn: 'web-0.nginx.default.svc.cluster.local', addresses });

  it('keeps a name through a reschedule: old address, no address, new address that remembers the old', () => {
    const history = new DnsHistory(60_000);
    expect(history.update([row(['10.0.0.1'])], 0)).toEqual([row(['10.0.0.1'])]);
    expect(history.update([], 1000)).toEqual([{ ...row([]), previous: ['10.0.0.1'], changedAt: new Date(1000).toISOString() }]);
    expect(history.update([row(['10.0.0.2'])], 2000)).toEqual([{ ...row(['10.0.0.2']), previous: ['10.0.0.1'], changedAt: new Date(2000).toISOString() }]);
  });

  it('forgets a name gone for longer than it keeps them', () => {
    const history = new DnsHistory(60_000);
    history.update([row(['10.0.0.1'])], 0);
    history.update([], 1000);
    expect(history.update([], 30_000)).toHaveLength(1);
    expect(history.update([], 62_000)).toEqual([]);
  });
});

describe('chaos events', () => {
  const event = (reason: string, id: string, detail: string, component = CHAOS_COMPONENT, rv = '1', fault = 'pause') => ({
    metadata: { name: `e${rv}`, resourceVersion: rv },
    involvedObject: { kind: 'Pod', name: 'mysql-0' },
    reason,
    message: faultMessage({ id, fault, detail }),
    firstTimestamp: `2026-01-01T00:00:0${rv}Z`,
    source: { component },
  });

  it('lists lasting faults until their healing event; ignores faults that happen at once, and other components', () => {
    const events = [
      event(FAULT_INJECTED, 'f1', 'pause mysql-0', CHAOS_COMPONENT, '1'),
      event(FAULT_INJECTED, 'f2', 'pause mysql-0 again', CHAOS_COMPONENT, '2'),
      event(FAULT_HEALED, 'f1', 'healed', CHAOS_COMPONENT, '3'),
      event(FAULT_INJECTED, 'f9', 'not chaos', 'kubelet', '4'),
      event(FAULT_INJECTED, 'f5', 'kill mysql-0', CHAOS_COMPONENT, '5', 'pod-kill'),
    ];
    expect(activeFaults(events)).toEqual([{ id: 'f2', fault: 'pause', detail: 'pause mysql-0 again', target: 'pod/mysql-0', since: '2026-01-01T00:00:02Z' }]);
  });
});
