import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../../src/api/store.ts';
import { podHostnames } from '../../src/network/dns-sources.ts';
import { dnsNames, IN_PLACE_HOSTS, renderHostsFile, writeHostsFile, type DnsService } from '../../src/network/hosts-file.ts';

/** Resolve like glibc's files backend: every address listed for a name, in file order. */
function resolver(content: string): (name: string) => string[] {
  const table = new Map<string, string[]>();
  for (const line of content.split('\n')) {
    const clean = line.replace(/#.*/, '').trim();
    if (!clean) continue;
    const [ip, ...names] = clean.split(/\s+/);
    for (const name of names) table.set(name, [...(table.get(name) ?? []), ip]);
  }
  return (name) => table.get(name) ?? [];
}

type Endpoint = DnsService['endpoints'][number];
const ep = (ordinal: number, o: Partial<Endpoint> = {}): Endpoint => ({
  podName: `web-${ordinal}`,
  hostname: `web-${ordinal}`,
  subdomain: 'nginx',
  ip: `10.244.0.${ordinal + 2}`,
  ready: true,
  ...o,
});

describe('dnsNames', () => {
  it('lists every spelling cluster DNS answers for within a namespace', () => {
    expect(new Set(dnsNames('nginx', 'prod'))).toEqual(new Set(['nginx', 'nginx.prod', 'nginx.prod.svc', 'nginx.prod.svc.cluster.local']));
  });
});

describe('renderHostsFile', () => {
  it('keeps localhost resolvable even with no services', () => {
    const resolve = resolver(renderHostsFile([]));
    expect(resolve('localhost')).toContain('127.0.0.1');
    expect(resolve('localhost')).toContain('::1');
  });

  it('resolves a headless service to all its ready pods, lowest ordinal first, in every namespace spelling', () => {
    const resolve = resolver(renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: [ep(0), ep(1), ep(2)] }]));
    for (const name of ['nginx', 'nginx.default', 'nginx.default.svc', 'nginx.default.svc.cluster.local']) {
      expect(resolve(name), name).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
    }
  });

  it('gives each pod its stable <hostname>.<service> names when its subdomain is the service', () => {
    const resolve = resolver(renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: [ep(0), ep(1)] }]));
    for (const name of ['web-1.nginx', 'web-1.nginx.default', 'web-1.nginx.default.svc', 'web-1.nginx.default.svc.cluster.local']) {
      expect(resolve(name), name).toEqual(['10.244.0.3']);
    }
    expect(resolve('web-0.nginx.default.svc.cluster.local')).toEqual(['10.244.0.2']);
  });

  it('publishes no per-pod names for pods whose subdomain is another service (or unset), but still counts them as endpoints', () => {
    const content = renderHostsFile([
      { name: 'nginx', namespace: 'default', endpoints: [ep(0, { subdomain: 'other' }), ep(1, { subdomain: undefined })] },
    ]);
    const resolve = resolver(content);
    expect(resolve('nginx.default.svc.cluster.local')).toEqual(['10.244.0.2', '10.244.0.3']);
    expect(content).not.toMatch(/web-0\./);
    expect(content).not.toMatch(/web-1\./);
  });

  it('leaves not-ready pods out entirely: neither the service nor the pod name resolves to them', () => {
    const resolve = resolver(renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: [ep(0), ep(1, { ready: false }), ep(2)] }]));
    expect(resolve('nginx')).toEqual(['10.244.0.2', '10.244.0.4']);
    expect(resolve('web-1.nginx')).toEqual([]);
    expect(resolve('web-1.nginx.default.svc.cluster.local')).toEqual([]);
  });

  it('a headless service with no ready pods has no records', () => {
    const resolve = resolver(renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: [ep(0, { ready: false })] }]));
    expect(resolve('nginx')).toEqual([]);
    expect(resolve('nginx.default.svc.cluster.local')).toEqual([]);
  });

  it('maps a ClusterIP service only to its virtual IP, never to pod addresses or pod names', () => {
    const content = renderHostsFile([{ name: 'mysql-read', namespace: 'db', clusterIP: '10.96.0.10', endpoints: [ep(0), ep(1)] }]);
    const resolve = resolver(content);
    for (const name of ['mysql-read', 'mysql-read.db', 'mysql-read.db.svc', 'mysql-read.db.svc.cluster.local']) {
      expect(resolve(name), name).toEqual(['10.96.0.10']);
    }
    expect(content).not.toContain('10.244.0.2');
    expect(content).not.toContain('web-0');
  });

  it('uses the service namespace in the qualified names', () => {
    const resolve = resolver(renderHostsFile([{ name: 'es', namespace: 'search', endpoints: [ep(0, { hostname: 'es-0', subdomain: 'es' })] }]));
    expect(resolve('es-0.es.search.svc.cluster.local')).toEqual(['10.244.0.2']);
    expect(resolve('es.search.svc.cluster.local')).toEqual(['10.244.0.2']);
    expect(resolve('es.default.svc.cluster.local')).toEqual([]);
    expect(resolve('es-0.es.default')).toEqual([]);
  });

  it('keeps services of the same name in different namespaces apart in the qualified names', () => {
    const resolve = resolver(
      renderHostsFile([
        { name: 'db', namespace: 'a', clusterIP: '10.96.0.1', endpoints: [] },
        { name: 'db', namespace: 'b', clusterIP: '10.96.0.2', endpoints: [] },
      ]),
    );
    expect(resolve('db.a.svc.cluster.local')).toEqual(['10.96.0.1']);
    expect(resolve('db.b.svc')).toEqual(['10.96.0.2']);
  });

  it('renders the same file whatever order services arrive in, one "ip<TAB>names" record per line', () => {
    const services: DnsService[] = [
      { name: 'zeta', namespace: 'default', clusterIP: '10.96.0.9', endpoints: [] },
      { name: 'nginx', namespace: 'default', endpoints: [ep(0), ep(1)] },
      { name: 'alpha', namespace: 'other', clusterIP: '10.96.0.3', endpoints: [] },
    ];
    const a = renderHostsFile(services);
    expect(renderHostsFile([...services].reverse())).toBe(a);
    expect(a.endsWith('\n')).toBe(true);
    for (const line of a.trimEnd().split('\n')) {
      if (line.startsWith('#')) continue;
      expect(line).toMatch(/^[0-9a-f:.]+\t\S+( \S+)*$/);
    }
  });
});

describe('writeHostsFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp('/var/tmp/emu-hosts-test-');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the content as <dir>/hosts and leaves no temporary file behind', async () => {
    const content = renderHostsFile([{ name: 'nginx', namespace: 'default', endpoints: [ep(0)] }]);
    await writeHostsFile(dir, content);
    expect(await readFile(join(dir, 'hosts'), 'utf8')).toBe(content);
    await writeHostsFile(dir, 'second\n');
    expect(await readFile(join(dir, 'hosts'), 'utf8')).toBe('second\n');
    expect(await readdir(dir)).toEqual(['hosts', IN_PLACE_HOSTS]);
  });

  it('keeps the in-place copy equal to the file, padding with blanks when it shrinks', async () => {
    await writeHostsFile(dir, '10.244.0.2\tweb-0.nginx\n10.244.0.3\tweb-1.nginx\n');
    await writeHostsFile(dir, '10.244.0.4\tweb-1.nginx\n');
    const copy = await readFile(join(dir, IN_PLACE_HOSTS), 'utf8');
    expect(copy.startsWith('10.244.0.4\tweb-1.nginx\n')).toBe(true);
    expect(copy.slice('10.244.0.4\tweb-1.nginx\n'.length).trim()).toBe('');
    expect(copy.length).toBe('10.244.0.2\tweb-0.nginx\n10.244.0.3\tweb-1.nginx\n'.length);
  });

  it('replaces the file whole: a concurrent reader never sees it missing, empty or partial across 200 rewrites', async () => {
    // Big, differently sized versions make a torn read (truncate-then-write) easy to catch.
    const versions = Array.from({ length: 4 }, (_, v) =>
      renderHostsFile(
        Array.from({ length: 200 + v * 150 }, (_, i) => ({ name: `svc-${v}-${i}`, namespace: 'default', clusterIP: `10.96.${v}.${i % 250}`, endpoints: [] })),
      ),
    );
    const file = join(dir, 'hosts');
    await writeFile(file, versions[0]);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const reader = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const fs = require('node:fs');
       const stop = new Int32Array(workerData.stop);
       const allowed = new Set(workerData.versions);
       let reads = 0, missing = 0; const bad = [];
       parentPort.postMessage('ready');
       while (Atomics.load(stop, 0) === 0) {
         let s;
         try { s = fs.readFileSync(workerData.file, 'utf8'); } catch { missing++; continue; }
         reads++;
         if (!allowed.has(s) && bad.length < 5) bad.push(s.length);
       }
       parentPort.postMessage({ reads, missing, bad });`,
      { eval: true, workerData: { file, versions, stop: stop.buffer } },
    );
    try {
      const messages: unknown[] = [];
      let notify: () => void = () => {};
      reader.on('message', (m) => {
        messages.push(m);
        notify();
      });
      const next = () => new Promise<void>((resolve) => (notify = resolve));
      const errored = new Promise<never>((_, reject) => reader.once('error', reject));
      if (messages.length === 0) await Promise.race([next(), errored]);
      expect(messages[0]).toBe('ready');

      for (let i = 1; i <= 200; i++) await writeHostsFile(dir, versions[i % versions.length]);

      Atomics.store(stop, 0, 1);
      if (messages.length < 2) await Promise.race([next(), errored]);
      const result = messages[1] as { reads: number; missing: number; bad: number[] };
      expect(result.missing).toBe(0);
      expect(result.bad).toEqual([]);
      expect(result.reads).toBeGreaterThan(0);
      expect(await readFile(file, 'utf8')).toBe(versions[200 % versions.length]);
      expect(await readdir(dir)).toEqual(['hosts', IN_PLACE_HOSTS]);
    } finally {
      Atomics.store(stop, 0, 1);
      await reader.terminate();
    }
  });

  // BUG: the temporary name is `.hosts.<pid>.tmp`, the same for every call in a process, and
  // Cluster.queueDnsUpdate fires writes without awaiting the previous one. Two overlapping
  // writes open the same temp file: the second rename fails with ENOENT, and the surviving
  // file can be a mix of both contents (the shorter write over the longer one's tail).
  it('survives two overlapping writes from the same process (last one wins, file intact)', async () => {
    const long = renderHostsFile(Array.from({ length: 300 }, (_, i) => ({ name: `long-${i}`, namespace: 'default', clusterIP: '10.96.1.1', endpoints: [] })));
    const short = renderHostsFile([{ name: 'short', namespace: 'default', clusterIP: '10.96.0.1', endpoints: [] }]);
    for (let i = 0; i < 10; i++) {
      const results = await Promise.allSettled([writeHostsFile(dir, long), writeHostsFile(dir, short)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect([long, short]).toContain(await readFile(join(dir, 'hosts'), 'utf8'));
      expect(await readdir(dir)).toEqual(['hosts', IN_PLACE_HOSTS]);
    }
  });
});

describe('renderHostsFile: a pod resolves its own hostname', () => {
  it('lists every pod with an address under its bare hostname, after the service names, ready or not', () => {
    const text = renderHostsFile([{ name: 'es', namespace: 'default', endpoints: [] }], [{ hostname: 'es-0', ip: '10.244.0.9' }]);
    const lines = text.trim().split('\n');
    expect(lines.at(-1)).toBe('10.244.0.9\tes-0');
    expect(text).not.toMatch(/es-0\.es/); // not ready: no service-scoped name
  });
});

describe('renderHostsFile: a pod knows its fully qualified name', () => {
  /** What `hostname -f` prints: glibc's canonical name, the first name on the first line listing the hostname. */
  const canonicalName = (content: string, hostname: string) =>
    content.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).find(([, ...names]) => names.includes(hostname))?.[1];

  const pod = (name: string, ip: string, subdomain?: string) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [], hostname: name, subdomain }, status: { podIP: ip } }) as Pod & ApiObject;

  it("puts the FQDN first on the pod's own line, so hostname -f prints it and hostname -d the domain", () => {
    const own = podHostnames([pod('zk-0', '10.244.0.2', 'zk-hs')]);
    expect(own[0].fqdn).toBe('zk-0.zk-hs.default.svc.cluster.local');
    const content = renderHostsFile([{ name: 'zk-hs', namespace: 'default', endpoints: [ep(0, { podName: 'zk-0', hostname: 'zk-0', subdomain: 'zk-hs' })] }], own);
    expect(canonicalName(content, 'zk-0')).toBe('zk-0.zk-hs.default.svc.cluster.local');
    expect(resolver(content)('zk-0')).toEqual(['10.244.0.2']);
  });

  it('without a subdomain the bare hostname is the canonical name', () => {
    expect(canonicalName(renderHostsFile([], podHostnames([pod('solo-0', '10.244.0.7')])), 'solo-0')).toBe('solo-0');
  });
});
