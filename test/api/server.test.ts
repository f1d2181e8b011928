// The API server against malformed and hostile requests: every one gets a
// Kubernetes Status, and the server keeps answering afterwards.
import type { IncomingHttpHeaders } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { connect } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCredentials, type Credentials } from '../../src/api/credentials.ts';
import { byKind } from '../../src/api/resources.ts';
import { ApiServer } from '../../src/api/server.ts';
import { ApiStore } from '../../src/api/store.ts';
import { strategies } from '../../src/api/strategies.ts';
import { IpPool } from '../../src/network/ip-pool.ts';
import { kubernetesBody } from '../helpers/protobuf-writer.ts';

let server: ApiServer;
let credentials: Credentials;
let dir: string;

function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, withCert = true): Promise<{ status: number; json: any; text: string; headers: IncomingHttpHeaders }> {
  const options: RequestOptions = {
    host: '127.0.0.1',
    port: server.port,
    method,
    path,
    ca: credentials.caCert,
    ...(withCert ? { cert: credentials.clientCert, key: credentials.clientKey } : {}),
    headers: { 'Content-Type': 'application/json', ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/emu-test-api-server-');
  credentials = await ensureCredentials(dir, { cluster: 'api-test' });
  const store = new ApiStore(strategies(new IpPool('10.96.0.0/16')));
  store.create(byKind('Namespace')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  server = new ApiServer({ store, tls: { key: credentials.serverKey, cert: credentials.serverCert, ca: credentials.caCert } });
  await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const CMS = '/api/v1/namespaces/default/configmaps';

describe('the API server and bad requests', () => {
  it('refuses a client without the cluster certificate with 401', async () => {
    const res = await call('GET', CMS, undefined, {}, false);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('answers bad JSON, wrong kinds and unknown fields with 400 and Kubernetes messages', async () => {
    const bad = await call('POST', CMS, '{"apiVersion": "v1", "kind": ');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^couldn't get version\/kind; json parse error/);
    const wrongKind = await call('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }));
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.message).toBe('the kind in the data (Secret) does not match the expected kind (ConfigMap)');
    const unknown = await call('POST', `${CMS}?fieldValidation=Strict`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, dta: { a: 'b' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"');
    const array = await call('POST', CMS, '[1,2]');
    expect(array.status).toBe(400);
  });

  it('answers invalid values with 422 and the field, missing objects with 404, duplicates with 409', async () => {
    const invalid = await call('POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name' } }));
    expect(invalid.status).toBe(422);
    expect(invalid.json.details.causes[0].field).toBe('metadata.name');
    expect((await call('GET', `${CMS}/missing`)).json).toMatchObject({ reason: 'NotFound', message: 'configmaps "missing" not found', code: 404 });
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'once' } });
    expect((await call('POST', CMS, body)).status).toBe(201);
    expect((await call('POST', CMS, body)).json).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    expect((await call('GET', '/api/v1/namespaces/default/widgets')).status).toBe(404);
    expect((await call('PATCH', `${CMS}/once`, '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
  });

  it('warns, as Kubernetes does (Warning: 299), of what a written object asks for that emu does not emulate', async () => {
    const pod = (extra: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'warned' }, spec: { containers: [{ name: 'c', image: 'busybox', ...extra }] } });
    const created = await call('POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod({ resources: { limits: { cpu: '1' } } })));
    expect(created.status).toBe(201);
    expect(created.headers.warning).toBe('299 - "spec.containers[0].resources: not emulated by emu; ignored"');
    const plain = await call('POST', '/api/v1/namespaces/default/pods', JSON.stringify({ ...pod({}), metadata: { name: 'plain' } }));
    expect([plain.status, plain.headers.warning]).toEqual([201, undefined]);
    // An update or patch is warned of what it adds, not of what the object already had.
    const path = '/apis/apps/v1/namespaces/default/statefulsets';
    const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'set' }, spec: { serviceName: 'set', selector: { matchLabels: { app: 'set' } }, template: { metadata: { labels: { app: 'set' } }, spec: pod({}).spec } } };
    expect((await call('POST', path, JSON.stringify(set))).headers.warning).toBeUndefined();
    const patch = (body: object) => call('PATCH', `${path}/set`, JSON.stringify(body), { 'Content-Type': 'application/merge-patch+json' });
    expect((await patch({ metadata: { labels: { a: 'b' } } })).headers.warning).toBeUndefined();
    const added = await patch({ spec: { template: { spec: { priorityClassName: 'high' } } } });
    expect([added.status, added.headers.warning]).toEqual([200, '299 - "spec.template.spec.priorityClassName: not emulated by emu; ignored"']);
    expect((await patch({ metadata: { labels: { a: 'c' } } })).headers.warning).toBeUndefined();
    expect((await call('GET', '/api/v1/namespaces/default/pods/warned')).headers.warning).toBeUndefined();
  });

  it('creates from a protobuf body, answers corrupted protobuf with 400 and a protobuf patch with 415', async () => {
    const PROTOBUF = { 'Content-Type': 'application/vnd.kubernetes.protobuf' };
    const configMap = kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.string(1, 'from-protobuf').entry(11, 'app', 'web')).entry(2, 'mode', 'fast'));
    const created = await call('POST', CMS, configMap, PROTOBUF);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'from-protobuf', namespace: 'default', labels: { app: 'web' } }, data: { mode: 'fast' } });
    expect((await call('GET', `${CMS}/from-protobuf`)).json.data).toEqual({ mode: 'fast' });
    const truncated = await call('POST', CMS, configMap.subarray(0, configMap.length - 3), PROTOBUF);
    expect(truncated.status).toBe(400);
    expect(truncated.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(truncated.json.message).toMatch(/^protobuf envelope: length \d+ runs past the end of the data at byte \d+$/);
    const badLabel = kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.string(1, 'bad').message(11, (e) => e.varint(1, 5))));
    const corrupted = await call('POST', CMS, badLabel, PROTOBUF);
    expect([corrupted.status, corrupted.json.reason]).toEqual([400, 'BadRequest']);
    expect(corrupted.json.message).toMatch(/^ConfigMap in version "v1" cannot be handled as a ConfigMap: protobuf: wrong wire type varint for field 1 \(labels key\), expected length-delimited at byte \d+ \(metadata\.labels\)$/);
    const notProtobuf = await call('POST', CMS, '{"kind":"ConfigMap"}', PROTOBUF);
    expect([notProtobuf.status, notProtobuf.json.message]).toEqual([400, 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]']);
    expect((await call('PATCH', `${CMS}/from-protobuf`, configMap, PROTOBUF)).status).toBe(415);
    expect((await call('POST', CMS, configMap, { 'Content-Type': 'application/x-protobuf' })).status).toBe(415);
    expect((await call('GET', `${CMS}/from-protobuf`)).json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
  });

  it('refuses a body over 3 MiB with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } });
    const res = await call('POST', CMS, huge).catch((error: Error) => ({ status: 0, json: undefined, text: error.message }));
    // The server answers 413 and stops reading; the client may see the answer or a reset mid-upload.
    expect([413, 0]).toContain(res.status);
    expect((await call('GET', '/version')).json.gitVersion).toMatch(/^v1\.32/);
  });

  it('survives a broken WebSocket upgrade and garbage on the socket', async () => {
    const garbage = connect({ host: '127.0.0.1', port: server.port, ca: credentials.caCert, cert: credentials.clientCert, key: credentials.clientKey });
    await new Promise((resolve) => garbage.once('secureConnect', resolve));
    garbage.end('GET /api/v1/namespaces/default/pods/x/exec HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: nope\r\n\r\n\x00\xff\x13garbage');
    garbage.resume();
    await new Promise((resolve) => garbage.on('close', resolve));
    const raw = connect({ host: '127.0.0.1', port: server.port, ca: credentials.caCert, cert: credentials.clientCert, key: credentials.clientKey });
    await new Promise((resolve) => raw.once('secureConnect', resolve));
    raw.end('\x16\x03\x01not http at all\r\n\r\n');
    raw.resume();
    await new Promise((resolve) => raw.on('close', resolve));
    expect((await call('GET', '/healthz')).text).toBe('ok');
  });

  it('gives a watch from a version too old a 410 Gone event', async () => {
    const res = await call('GET', `${CMS}?watch=true&resourceVersion=0&timeoutSeconds=1`);
    expect(res.status).toBe(200);
    const stale = await call('GET', `${CMS}?watch=true&resourceVersion=-5`);
    expect(stale.status).toBe(200);
    expect(JSON.parse(stale.text.trim().split('\n')[0])).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 400 } });
  });
});
