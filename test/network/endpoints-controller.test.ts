import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoints } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import { byKind } from '../../src/api/resources.ts';
import { ApiStore, type ApiObject } from '../../src/api/store.ts';
import { strategies } from '../../src/api/strategies.ts';
import { ClusterDns } from '../../src/network/cluster-dns.ts';
import { EndpointsController } from '../../src/network/endpoints-controller.ts';
import { IpPool } from '../../src/network/ip-pool.ts';

const NS = byKind('Namespace')!;
const SVC = byKind('Service')!;
const POD = byKind('Pod')!;

function cluster() {
  const store = new ApiStore(strategies(new IpPool('10.96.0.0/16')));
  store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const endpoints = new EndpointsController(store);
  endpoints.start();
  const dir = mkdtempSync(`${tmpdir()}/emu-dns-`);
  const dns = new ClusterDns(store, dir, (e) => {
    throw e;
  });
  const settle = async () => {
    do {
      await new Promise((r) => setImmediate(r));
      await endpoints.idle();
      await dns.idle();
    } while (endpoints.busy || dns.busy);
  };
  return { store, endpoints, dns, dir, settle, stop: () => (endpoints.stop(), dns.stop(), rmSync(dir, { recursive: true, force: true })) };
}

function pod(store: ApiStore, name: string, options: { ready: boolean; ip: string; terminating?: boolean; port?: string }) {
  store.create(POD, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: { hostname: name, subdomain: 'web', nodeName: 'emu', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: Number(options.port ?? 80) }] }] },
  } as unknown as ApiObject);
  store.mutate(POD, 'default', name, (p) => (p.status = { phase: 'Running', podIP: options.ip, conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False' }] }), { subresource: 'status' });
  if (options.terminating) store.mutate(POD, 'default', name, (p) => (p.metadata.finalizers = ['hold'])), store.delete(POD, 'default', name);
}

let stop: () => void = () => undefined;
afterEach(() => stop());

describe('endpoints controller and cluster DNS', () => {
  it('lists ready pods as addresses (ordinal order) and others as not ready; DNS answers ready ones only', async () => {
    const c = cluster();
    stop = c.stop;
    await c.dns.start();
    c.store.create(SVC, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } as unknown as ApiObject);
    pod(c.store, 'web-10', { ready: true, ip: '10.244.0.10' });
    pod(c.store, 'web-2', { ready: true, ip: '10.244.0.2', port: '8080' });
    pod(c.store, 'web-3', { ready: false, ip: '10.244.0.3' });
    pod(c.store, 'web-4', { ready: true, ip: '10.244.0.4', terminating: true });
    await c.settle();

    const slice = c.store.find<EndpointSlice & ApiObject>(byKind('EndpointSlice')!, 'default', 'web-emu')!;
    expect(slice.endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready, e.hostname])).toEqual([
      ['web-2', true, 'web-2'],
      ['web-3', false, 'web-3'],
      ['web-4', false, 'web-4'],
      ['web-10', true, 'web-10'],
    ]);
    const endpoints = c.store.find<Endpoints & ApiObject>(byKind('Endpoints')!, 'default', 'web')!;
    // The named targetPort resolves per pod: web-2 serves it on 8080, so it has a subset of its own.
    expect(endpoints.subsets!.map((s) => [s.ports?.[0].port, (s.addresses ?? []).map((a) => a.ip), (s.notReadyAddresses ?? []).map((a) => a.ip)])).toEqual([
      [8080, ['10.244.0.2'], []],
      [80, ['10.244.0.10'], ['10.244.0.3', '10.244.0.4']],
    ]);
    expect(c.dns.resolve('web')).toEqual(['10.244.0.2', '10.244.0.10']);
    expect(c.dns.resolve('web-2.web.default.svc.cluster.local')).toEqual(['10.244.0.2']);
    expect(c.dns.resolve('web-3.web')).toEqual([]);
    // Every pod with an address (not terminating) resolves its own name, FQDN first.
    expect(readFileSync(`${c.dir}/hosts`, 'utf8')).toMatch(/^10\.244\.0\.3\tweb-3\.web\.default\.svc\.cluster\.local web-3$/m);
  });

  it('gives a ClusterIP Service its address in DNS and removes endpoints with the Service', async () => {
    const c = cluster();
    stop = c.stop;
    await c.dns.start();
    const svc = c.store.create(SVC, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-any' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as unknown as ApiObject);
    pod(c.store, 'web-0', { ready: true, ip: '10.244.0.5' });
    await c.settle();
    const ip = (svc.spec as { clusterIP: string }).clusterIP;
    expect(ip).toMatch(/^10\.96\./);
    expect(c.dns.resolve('web-any.default.svc')).toEqual([ip]);
    c.store.delete(SVC, 'default', 'web-any');
    await c.settle();
    expect(c.store.find(byKind('Endpoints')!, 'default', 'web-any')).toBeUndefined();
    expect(c.dns.resolve('web-any')).toEqual([]);
  });
});
