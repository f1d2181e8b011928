import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { execa } from 'execa';
import dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import { clusterRecords, DnsServer, renderResolvConf, reverseName, searchPath, type ClusterZone } from '../../src/network/dns-server.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/emu-cli.ts';

const nginx: Service = { metadata: { name: 'nginx', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'web', port: 80 }], selector: { app: 'nginx' } } };
const mysqlRead: Service = { metadata: { name: 'mysql-read', namespace: 'db' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'mysql', port: 3306 }, { port: 9104 }] } };
const external: Service = { metadata: { name: 'search', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'search.example.com' } };

function slice(service: string, namespace: string, endpoints: { ip: string; hostname?: string; ready?: boolean }[], ports = [{ name: 'web', port: 80, protocol: 'TCP' }]): EndpointSlice {
  return {
    addressType: 'IPv4',
    metadata: { name: `${service}-x`, namespace, labels: { 'kubernetes.io/service-name': service } },
    ports,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], hostname: e.hostname, conditions: { ready: e.ready ?? true } })),
  };
}

const tutorial = () =>
  clusterRecords({
    services: [nginx, mysqlRead, external],
    endpointSlices: [
      slice('nginx', 'default', [
        { ip: '10.244.0.5', hostname: 'web-0' },
        { ip: '10.244.0.6', hostname: 'web-1' },
        { ip: '10.244.0.7', hostname: 'web-2', ready: false },
        { ip: '10.244.0.8' },
      ]),
      slice('mysql-read', 'db', [{ ip: '10.244.1.1' }]),
    ],
    pods: [{ metadata: { name: 'web-0', namespace: 'default' }, status: { podIP: '10.244.0.5' } }],
  });

describe('cluster records (pure)', () => {
  const zone = tutorial();

  it('gives each ready endpoint of a headless service its own name and the service name all of them', () => {
    expect(zone.lookup('web-0.nginx.default.svc.cluster.local')?.A).toEqual(['10.244.0.5']);
    expect(zone.lookup('nginx.default.svc.cluster.local')?.A).toEqual(['10.244.0.5', '10.244.0.6', '10.244.0.8']);
    expect(zone.lookup('web-2.nginx.default.svc.cluster.local')).toBeUndefined();
    expect(zone.lookup('10-244-0-8.nginx.default.svc.cluster.local')?.A).toEqual(['10.244.0.8']);
    expect(zone.lookup('_web._tcp.nginx.default.svc.cluster.local')?.SRV).toEqual([
      { priority: 0, weight: 33, port: 80, target: 'web-0.nginx.default.svc.cluster.local' },
      { priority: 0, weight: 33, port: 80, target: 'web-1.nginx.default.svc.cluster.local' },
      { priority: 0, weight: 33, port: 80, target: '10-244-0-8.nginx.default.svc.cluster.local' },
    ]);
    expect(zone.lookup('5.0.244.10.in-addr.arpa')?.PTR).toEqual(['web-0.nginx.default.svc.cluster.local']);
  });

  it('gives a ClusterIP service its virtual IP, SRV for named ports only, PTR back', () => {
    expect(zone.lookup('mysql-read.db.svc.cluster.local')?.A).toEqual(['10.96.0.10']);
    expect(zone.lookup('_mysql._tcp.mysql-read.db.svc.cluster.local')?.SRV).toEqual([{ priority: 0, weight: 100, port: 3306, target: 'mysql-read.db.svc.cluster.local' }]);
    expect(zone.lookup('10.0.96.10.in-addr.arpa')?.PTR).toEqual(['mysql-read.db.svc.cluster.local']);
    expect(zone.lookup('1.1.244.10.in-addr.arpa')).toBeUndefined();
  });

  it('has CNAMEs, pod names, the schema version and the names in between', () => {
    expect(zone.lookup('search.default.svc.cluster.local')?.CNAME).toBe('search.example.com');
    expect(zone.lookup('10-244-0-5.default.pod.cluster.local')?.A).toEqual(['10.244.0.5']);
    expect(zone.lookup('dns-version.cluster.local')?.TXT).toEqual(['1.1.0']);
    expect([zone.exists('default.svc.cluster.local'), zone.exists('svc.cluster.local'), zone.exists('other.svc.cluster.local')]).toEqual([true, true, false]);
  });

  it('writes reverse names and the pod search path', () => {
    expect(reverseName('fd00::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa');
    expect(searchPath('web')).toEqual(['web.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
  });
});

describe('the DNS server, asked by dig and nslookup', () => {
  let server: DnsServer;
  let zone: ClusterZone = tutorial();
  const dig = async (...args: string[]) => (await execa('dig', [`@127.0.0.1`, '-p', String(server.port), '+tries=1', '+time=10', ...args], { reject: false })).stdout;

  beforeAll(async () => {
    server = await DnsServer.start({ zone: () => zone });
  });
  afterAll(() => server.close());

  it('answers A, SRV and PTR queries', async () => {
    expect(await dig('+short', 'web-0.nginx.default.svc.cluster.local')).toBe('10.244.0.5');
    expect((await dig('+short', 'nginx.default.svc.cluster.local')).split('\n').sort()).toEqual(['10.244.0.5', '10.244.0.6', '10.244.0.8']);
    expect(await dig('+short', 'SRV', '_mysql._tcp.mysql-read.db.svc.cluster.local')).toBe('0 100 3306 mysql-read.db.svc.cluster.local.');
    expect(await dig('+short', '-x', '10.244.0.6')).toBe('web-1.nginx.default.svc.cluster.local.');
    expect(await dig('+short', 'CNAME', 'search.default.svc.cluster.local')).toBe('search.example.com.');
  });

  it('says NXDOMAIN for unknown cluster names, NOERROR without answers for names in between', async () => {
    const missing = await dig('web-9.nginx.default.svc.cluster.local');
    expect(missing).toMatch(/status: NXDOMAIN/);
    expect(missing).toMatch(/flags: qr aa rd ra/);
    expect(await dig('default.svc.cluster.local')).toMatch(/status: NOERROR.*\n.*ANSWER: 0/);
  });

  it('refuses names outside the cluster at once', async () => {
    expect(await dig('example.com')).toMatch(/status: REFUSED/);
  });

  it('answers over TCP as well', async () => {
    expect(await dig('+tcp', '+short', 'web-1.nginx.default.svc.cluster.local')).toBe('10.244.0.6');
  });

  it('shows record changes at once', async () => {
    const before = zone;
    zone = clusterRecords({ services: [nginx], endpointSlices: [slice('nginx', 'default', [{ ip: '10.244.0.9', hostname: 'web-0' }])] });
    try {
      expect(await dig('+short', 'web-0.nginx.default.svc.cluster.local')).toBe('10.244.0.9');
    } finally {
      zone = before;
    }
  });

  it('truncates long UDP answers so that dig retries over TCP and gets them all', async () => {
    const before = zone;
    const many = Array.from({ length: 120 }, (_, i) => ({ ip: `10.244.${Math.floor(i / 200)}.${(i % 200) + 10}` }));
    zone = clusterRecords({ services: [nginx], endpointSlices: [slice('nginx', 'default', many)] });
    try {
      const output = await dig('nginx.default.svc.cluster.local');
      expect(output).toMatch(/Truncated, retrying in TCP mode/);
      expect((await dig('+short', 'nginx.default.svc.cluster.local')).split('\n')).toHaveLength(120);
      expect((await dig('+short', '+noedns', 'nginx.default.svc.cluster.local')).split('\n')).toHaveLength(120);
    } finally {
      zone = before;
    }
  });

  it('answers SERVFAIL for a record DNS cannot carry, and goes on serving', async () => {
    const before = zone;
    const bad: Service = { metadata: { name: 'bad', namespace: 'default' }, spec: { type: 'ExternalName', externalName: `${'x'.repeat(70)}.example.com` } };
    zone = clusterRecords({ services: [nginx, bad], endpointSlices: [slice('nginx', 'default', [{ ip: '10.244.0.5', hostname: 'web-0' }])] });
    try {
      expect(await dig('bad.default.svc.cluster.local')).toMatch(/status: SERVFAIL/);
      expect(await dig('+short', 'web-0.nginx.default.svc.cluster.local')).toBe('10.244.0.5');
    } finally {
      zone = before;
    }
  });

  it('works with nslookup', async () => {
    const { stdout } = await execa('nslookup', [`-port=${server.port}`, 'web-0.nginx.default.svc.cluster.local', '127.0.0.1'], { reject: false });
    expect(stdout).toMatch(/Name:\s+web-0\.nginx\.default\.svc\.cluster\.local\nAddress: 10\.244\.0\.5/);
  });

  it('survives garbage over UDP and TCP, answering FORMERR where it can', async () => {
    const udp = createSocket('udp4');
    const reply = new Promise<Buffer>((resolve) => udp.once('message', resolve));
    const junk = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff])]);
    udp.send(Buffer.from([1, 2, 3]), server.port, '127.0.0.1');
    udp.send(junk, server.port, '127.0.0.1');
    const formerr = await reply;
    udp.close();
    expect(formerr.readUInt16BE(0)).toBe(0x1234);
    expect((dnsPacket.decode(formerr).flags ?? 0) & 0xf).toBe(1); // FORMERR

    const tcp = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => tcp.on('close', () => resolve()));
    tcp.on('error', () => {});
    tcp.write(Buffer.from([0x00, 0x03, 0x01, 0x02, 0x03]));
    await closed;
    expect(await dig('+short', 'web-0.nginx.default.svc.cluster.local')).toBe('10.244.0.5');
  });
});

describe('the pod resolver (glibc, nslookup) with the resolv.conf Kubernetes writes', () => {
  it('finds short names through the search path and fails outside names at once', async () => {
    const dir = mkdtempSync('/var/tmp/emu-test-resolv-');
    try {
      const resolv = join(dir, 'resolv.conf');
      writeFileSync(resolv, renderResolvConf('127.0.0.1', 'default'));
      const fixture = fileURLToPath(new URL('fixtures/serve-dns.ts', import.meta.url));
      // A network namespace (own loopback, so port 53 is ours) and a mount namespace (own resolv.conf).
      // (ahosts, not ahostsv4: with only a loopback, AI_ADDRCONFIG would skip IPv4 lookups.)
      const { stdout } = await execa(
        'unshare',
        ['--net', '--mount', '--fork', '--', 'sh', '-c', 'ip link set lo up && mount --bind "$0" /etc/resolv.conf && exec node --import tsx "$1" "$2" "$3" "$4" "$5"', resolv, fixture,
          'getent hosts web-0.nginx', 'getent ahosts nginx | grep STREAM', 'nslookup web-1.nginx', 'getent hosts example.com'],
        { cwd: ROOT, timeout: 120_000 },
      );
      const [own, all, lookup, outside] = JSON.parse(stdout) as { stdout: string; exitCode: number }[];
      expect(own.stdout).toMatch(/^10\.244\.0\.5\s+web-0\.nginx\.default\.svc\.cluster\.local$/);
      expect(all.stdout.split('\n').map((l) => l.split(/\s+/)[0]).sort()).toEqual(['10.244.0.5', '10.244.0.6']);
      expect(lookup.stdout).toMatch(/Name:\s+web-1\.nginx\.default\.svc\.cluster\.local\nAddress: 10\.244\.0\.6/);
      expect(outside.exitCode).toBe(2); // getent: not found
      expect(readFileSync(resolv, 'utf8')).toBe('nameserver 127.0.0.1\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
