import { describe, expect, it } from 'vitest';
import { dnsServices, selectorMatches, serviceEndpoints, targetPortFor, type EndpointPod } from '../../src/engine/endpoints.ts';
import type { ServiceObject } from '../../src/manifest/types.ts';
import { renderHostsFile } from '../../src/network/hosts-file.ts';

function service(o: { name?: string; namespace?: string; selector?: Record<string, string>; publishNotReadyAddresses?: boolean; clusterIP?: string } = {}): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name ?? 'nginx', namespace: o.namespace ?? 'default' },
    spec: {
      clusterIP: o.clusterIP ?? 'None',
      selector: 'selector' in o ? o.selector : { app: 'web' },
      publishNotReadyAddresses: o.publishNotReadyAddresses,
      ports: [{ port: 80, name: 'web' }],
    },
  };
}

function pod(ordinal: number, o: Partial<EndpointPod> = {}): EndpointPod {
  return {
    name: `web-${ordinal}`,
    namespace: 'default',
    labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': `web-${ordinal}` },
    ip: `10.244.0.${ordinal + 2}`,
    ready: true,
    terminating: false,
    hostname: `web-${ordinal}`,
    subdomain: 'nginx',
    ordinal,
    namedPorts: { http: 8080 },
    ...o,
  };
}

describe('selectorMatches', () => {
  it('matches when every selector label is present with the same value; extra pod labels do not matter', () => {
    expect(selectorMatches({ app: 'web' }, { app: 'web', tier: 'front' })).toBe(true);
    expect(selectorMatches({ app: 'web', tier: 'front' }, { app: 'web', tier: 'front' })).toBe(true);
    expect(selectorMatches({ app: 'web', tier: 'front' }, { app: 'web' })).toBe(false);
    expect(selectorMatches({ app: 'web' }, { app: 'db' })).toBe(false);
    expect(selectorMatches({ app: '' }, {})).toBe(false);
  });

  it('selects nothing for a Service without a selector (its endpoints are managed by hand)', () => {
    expect(selectorMatches(undefined, { app: 'web' })).toBe(false);
    expect(selectorMatches({}, { app: 'web' })).toBe(false);
  });
});

describe('serviceEndpoints', () => {
  it('lists matching pods with an address, by ordinal (numerically, web-2 before web-10)', () => {
    const pods = [pod(10), pod(2), pod(0), pod(1, { labels: { app: 'db' } }), pod(3, { ip: undefined })];
    const eps = serviceEndpoints(service(), pods);
    expect(eps.map((e) => e.podName)).toEqual(['web-0', 'web-2', 'web-10']);
    expect(eps[0]).toEqual({ podName: 'web-0', ip: '10.244.0.2', hostname: 'web-0', subdomain: 'nginx', ready: true });
  });

  it('only selects pods in the service namespace', () => {
    const eps = serviceEndpoints(service({ namespace: 'prod' }), [pod(0), pod(1, { namespace: 'prod' })]);
    expect(eps.map((e) => e.podName)).toEqual(['web-1']);
  });

  it('has no endpoints without a selector', () => {
    expect(serviceEndpoints(service({ selector: undefined }), [pod(0)])).toEqual([]);
    expect(serviceEndpoints(service({ selector: {} }), [pod(0)])).toEqual([]);
  });

  it('marks unready and terminating pods not ready, but keeps them as endpoints', () => {
    const eps = serviceEndpoints(service(), [pod(0), pod(1, { ready: false }), pod(2, { terminating: true }), pod(3, { ready: false, terminating: true })]);
    expect(eps.map((e) => [e.podName, e.ready])).toEqual([
      ['web-0', true],
      ['web-1', false],
      ['web-2', false],
      ['web-3', false],
    ]);
  });

  it('with publishNotReadyAddresses every matching pod with an address counts as ready, terminating ones included', () => {
    const eps = serviceEndpoints(service({ publishNotReadyAddresses: true }), [pod(0, { ready: false }), pod(1, { terminating: true }), pod(2, { ip: undefined, ready: false })]);
    expect(eps.map((e) => [e.podName, e.ready])).toEqual([
      ['web-0', true],
      ['web-1', true],
    ]);
  });

  it('feeds DNS: a headless service resolves to ready pods only, and each pod by its stable name', () => {
    const [svc] = dnsServices([service()], [pod(0), pod(1, { ready: false }), pod(2)], new Map());
    const hosts = renderHostsFile([svc]);
    const lines = hosts.split('\n').filter((l) => l.includes('nginx.default.svc.cluster.local'));
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['10.244.0.2', '10.244.0.4']);
    expect(hosts).toMatch(/^10\.244\.0\.4\t.*\bweb-2\.nginx\.default\.svc\.cluster\.local\b/m);
    expect(hosts).not.toContain('web-1.nginx');
  });
});

describe('dnsServices', () => {
  it('attaches the virtual IP of ClusterIP services by namespace/name, none for headless ones', () => {
    const services = [service({ name: 'nginx' }), service({ name: 'web-read', clusterIP: '' }), service({ name: 'web-read', namespace: 'other' })];
    const out = dnsServices(services, [pod(0)], new Map([['default/web-read', '10.96.0.7']]));
    expect(out.map((s) => [s.namespace, s.name, s.clusterIP])).toEqual([
      ['default', 'nginx', undefined],
      ['default', 'web-read', '10.96.0.7'],
      ['other', 'web-read', undefined],
    ]);
    expect(out[0].endpoints.map((e) => e.ip)).toEqual(['10.244.0.2']);
    expect(out[2].endpoints).toEqual([]);
  });
});

describe('targetPortFor', () => {
  it('defaults targetPort to the service port', () => {
    expect(targetPortFor({ port: 80 }, pod(0))).toBe(80);
  });

  it('uses a numeric targetPort as is', () => {
    expect(targetPortFor({ port: 80, targetPort: 8080 }, pod(0))).toBe(8080);
  });

  it('resolves a named targetPort per pod, so pods may expose the name on different ports', () => {
    expect(targetPortFor({ port: 80, targetPort: 'http' }, pod(0, { namedPorts: { http: 8080 } }))).toBe(8080);
    expect(targetPortFor({ port: 80, targetPort: 'http' }, pod(1, { namedPorts: { http: 9090 } }))).toBe(9090);
  });

  it('gives no port when the pod has no container port of that name', () => {
    expect(targetPortFor({ port: 80, targetPort: 'metrics' }, pod(0))).toBeUndefined();
  });
});
