import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { bearerTokenMatches, credentialPaths, ensureCredentials, type Credentials } from '../../src/api/credentials.ts';
import { mergeKubeconfig, removeFromKubeconfig, renderKubeconfig } from '../../src/api/kubeconfig.ts';
import { EmuError } from '../../src/errors.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
let root: string;

beforeAll(() => {
  root = mkdtempSync('/var/tmp/emu-test-credentials-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cluster credentials', () => {
  it('creates a CA, server and client certificates and a token, readable by the owner only', async () => {
    const dir = join(root, 'fresh', 'pki');
    const creds = await ensureCredentials(dir, { cluster: 'demo' });
    expect(mode(dir)).toBe(0o700);
    for (const path of Object.values(credentialPaths(dir))) expect(mode(path)).toBe(0o600);
    const [ca, server, client] = [creds.caCert, creds.serverCert, creds.clientCert].map((pem) => new X509Certificate(pem));
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey) && client.verify(ca.publicKey)).toBe(true);
    expect([server.checkIP('127.0.0.1'), server.checkIP('::1'), server.checkHost('localhost')]).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(server.checkIP('10.0.0.1')).toBeUndefined();
    expect(client.subject).toContain('CN=emu-demo-admin');
    expect(client.subject).toContain('O=system:masters');
    expect(creds.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps good credentials, reissues a leaf for new hosts or near expiry, and starts over without a CA', async () => {
    const dir = join(root, 'reuse');
    const first = await ensureCredentials(dir, { cluster: 'demo' });
    expect(await ensureCredentials(dir, { cluster: 'demo' })).toEqual(first);

    const wider = await ensureCredentials(dir, { cluster: 'demo', hosts: ['127.0.0.1', 'emu.local'] });
    expect([wider.caCert, wider.clientCert, wider.token]).toEqual([first.caCert, first.clientCert, first.token]);
    expect(wider.serverCert).not.toBe(first.serverCert);
    expect(new X509Certificate(wider.serverCert).checkHost('emu.local')).toBe('emu.local');

    const later = new Date(Date.now() + 340 * 86_400_000); // leaves last a year: about to expire then
    const renewed = await ensureCredentials(dir, { cluster: 'demo', hosts: ['127.0.0.1', 'emu.local'], now: later });
    expect(renewed.caCert).toBe(first.caCert);
    expect(renewed.clientCert).not.toBe(first.clientCert);

    writeFileSync(credentialPaths(dir).caCert, 'garbage');
    const restarted = await ensureCredentials(dir, { cluster: 'demo' });
    expect(restarted.caCert).not.toBe(first.caCert);
    expect(restarted.token).not.toBe(first.token);
    expect(new X509Certificate(restarted.clientCert).verify(new X509Certificate(restarted.caCert).publicKey)).toBe(true);
  });

  it('checks bearer tokens', async () => {
    const { token } = await ensureCredentials(join(root, 'token'), { cluster: 'demo' });
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerTokenMatches(undefined, token)).toBe(false);
    expect(bearerTokenMatches('Basic YWRtaW46YWRtaW4=', token)).toBe(false);
    expect(bearerTokenMatches('Bearer ', '')).toBe(false);
  });

  it('lets no other local user read a key', async () => {
    const dir = join(root, 'private');
    await ensureCredentials(dir, { cluster: 'demo' });
    const other = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', credentialPaths(dir).clientKey], { reject: false });
    expect(other.exitCode).not.toBe(0);
    expect(other.stderr).toMatch(/Permission denied/);
  });
});

describe('TLS with these credentials', () => {
  let creds: Credentials;
  let stranger: Credentials;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    creds = await ensureCredentials(join(root, 'tls'), { cluster: 'demo' });
    stranger = await ensureCredentials(join(root, 'stranger'), { cluster: 'demo' });
    // A stand-in API server: only /version, client certificates required.
    server = createServer({ key: creds.serverKey, cert: creds.serverCert, ca: creds.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const user = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64', user, path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(client: Credentials): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/version', ca: creds.caCert, cert: client.clientCert, key: client.clientKey }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves a client with the cluster’s certificate and refuses one from another CA', async () => {
    expect(JSON.parse(await get(creds)).user).toBe('emu-demo-admin');
    await expect(get(stranger)).rejects.toThrow();
  });

  it('works with the real kubectl through a rendered kubeconfig, and fails with a stranger’s', async () => {
    const home = join(root, 'kubectl-home');
    const good = join(root, 'good.kubeconfig');
    const base = { cluster: 'demo', server: `https://127.0.0.1:${port}` };
    writeFileSync(good, renderKubeconfig({ ...base, caCert: creds.caCert, clientCert: creds.clientCert, clientKey: creds.clientKey }));
    const env = { HOME: home, KUBECONFIG: good, PATH: process.env.PATH ?? '' };
    const ok = await execa('kubectl', ['get', '--raw', '/version'], { env, reject: false, timeout: 60_000 });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toMatchObject({ gitVersion: 'v1.32.0', user: 'emu-demo-admin' });

    const bad = join(root, 'bad.kubeconfig');
    writeFileSync(bad, renderKubeconfig({ ...base, caCert: creds.caCert, clientCert: stranger.clientCert, clientKey: stranger.clientKey }));
    const refused = await execa('kubectl', ['get', '--raw', '/version'], { env: { ...env, KUBECONFIG: bad }, reject: false, timeout: 60_000 });
    expect(refused.exitCode).not.toBe(0);
  });
});

describe('kubeconfig merging', () => {
  const input = (cluster: string, server = 'https://127.0.0.1:6443') => ({ cluster, server, caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' });

  it('renders cluster, user and context emu-<cluster> with embedded data', () => {
    const config = parse(renderKubeconfig({ ...input('demo'), namespace: 'web' }));
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'emu-demo', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://127.0.0.1:6443' } }],
      contexts: [{ name: 'emu-demo', context: { cluster: 'emu-demo', user: 'emu-demo', namespace: 'web' } }],
      'current-context': 'emu-demo',
      preferences: {},
      users: [{ name: 'emu-demo', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }],
    });
  });

  it('merges into an existing file, keeps other entries, replaces its own, and removes itself again', async () => {
    const path = join(root, 'merge', '.kube', 'config');
    await mergeKubeconfig(path, input('other'));
    await mergeKubeconfig(path, input('demo', 'https://127.0.0.1:1111'));
    await mergeKubeconfig(path, input('demo', 'https://127.0.0.1:2222'));
    expect(mode(path)).toBe(0o600);
    const merged = parse(readFileSync(path, 'utf8'));
    expect(merged['current-context']).toBe('emu-demo');
    expect(merged.clusters.map((c: { name: string }) => c.name)).toEqual(['emu-other', 'emu-demo']);
    expect(merged.clusters[1].cluster.server).toBe('https://127.0.0.1:2222');
    expect(merged.users).toHaveLength(2);

    await removeFromKubeconfig(path, 'demo');
    const left = parse(readFileSync(path, 'utf8'));
    expect(left['current-context']).toBe('');
    expect(left.contexts.map((c: { name: string }) => c.name)).toEqual(['emu-other']);
  });

  it('refuses a file that is not a kubeconfig, naming it, and leaves it alone', async () => {
    const path = join(root, 'broken-config');
    writeFileSync(path, '- just\n- a list\n');
    const error = await mergeKubeconfig(path, input('demo')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmuError);
    expect((error as EmuError).message).toBe(`${path}: not a kubeconfig (expected a mapping); fix or move the file, then run this again`);
    expect(readFileSync(path, 'utf8')).toBe('- just\n- a list\n');
  });
});
