import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { openApiDocument, openApiIndex } from '../../src/api/openapi.ts';
import { jsonMergePatch, jsonPatch, recordUpdate, serverSideApply, shapeOf, strategicMergePatch } from '../../src/api/patch.ts';
import { ApiError, badRequest, fieldRequired, invalid, notFound, unsupportedMediaType } from '../../src/api/status.ts';
import { toTable } from '../../src/api/table.ts';
import { kubectlEnv } from '../helpers/kubectl.ts';

/**
 * kubectl apply (client-side and --server-side) against a stand-in API server
 * that stores pods in memory and answers PATCH with this project's patch code:
 * proves the OpenAPI documents satisfy kubectl's validation and that the
 * patches kubectl really sends apply as Kubernetes applies them.
 */

interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: unknown;
}

const PODS = { group: '', resource: 'pods' };
/** The stand-in server's clock: pods were created at 2025-01-01T00:00:00Z, five minutes before. */
const NOW = new Date('2025-01-01T00:05:00Z');

describe('the real kubectl against the OpenAPI documents, patches, Tables and Status errors', () => {
  const store = new Map<string, Pod>();
  const seen: Seen[] = [];
  let serveOpenApi = true;
  let server: Server;
  let dir: string;
  let resourceVersion = 1;
  let env: Record<string, string>;

  function send(res: ServerResponse, code: number, body: unknown): void {
    res.statusCode = code;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  }

  function stored(pod: Pod, previous: Pod | undefined, manager: string): Pod {
    const metadata = { ...pod.metadata, uid: previous?.metadata?.uid ?? `uid-${pod.metadata?.name}`, resourceVersion: String(++resourceVersion), creationTimestamp: previous?.metadata?.creationTimestamp ?? '2025-01-01T00:00:00Z' };
    return recordUpdate(previous, { ...pod, metadata }, { manager, apiVersion: 'v1', now: new Date('2025-01-01T00:00:00Z') });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const body = text ? JSON.parse(text) : undefined;
    seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
    if (path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (path === '/api/v1')
      return send(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }],
      });
    if (path === '/openapi/v3' && serveOpenApi) return send(res, 200, openApiIndex());
    if (path.startsWith('/openapi/v3/') && serveOpenApi) {
      const doc = openApiDocument(path.slice('/openapi/v3/'.length));
      return doc ? send(res, 200, doc) : send(res, 404, notFound({ group: '', resource: 'openapi' }, path).toStatus());
    }
    const match = /^\/api\/v1\/namespaces\/default\/pods(?:\/([^/]+))?$/.exec(path);
    if (!match) return send(res, 404, notFound({ group: '', resource: '' }, path).toStatus());
    const name = match[1];
    const manager = url.searchParams.get('fieldManager') ?? 'unknown';
    const existing = name ? store.get(name) : undefined;
    const asTable = (req.headers.accept ?? '').includes('as=Table');
    if (req.method === 'GET' && !name) {
      const pods = [...store.values()];
      return send(res, 200, asTable ? toTable('pods', pods, { now: NOW, resourceVersion: String(resourceVersion) }) : { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(resourceVersion) }, items: pods });
    }
    if (req.method === 'GET') {
      if (!existing) return send(res, 404, notFound(PODS, name).toStatus());
      return send(res, 200, asTable ? toTable('pods', [existing], { now: NOW }) : existing);
    }
    if (req.method === 'POST') {
      const missing = (body as Pod).spec?.containers.findIndex((c) => !c.image) ?? -1;
      if (missing >= 0) throw invalid({ group: '', kind: 'Pod' }, (body as Pod).metadata?.name ?? '', [fieldRequired(`spec.containers[${missing}].image`)]);
      const pod = stored(body as Pod, undefined, manager);
      store.set(pod.metadata!.name!, pod);
      return send(res, 201, pod);
    }
    if (req.method === 'PATCH') {
      const type = (req.headers['content-type'] ?? '').split(';')[0];
      let next: Pod;
      if (type === 'application/apply-patch+yaml') {
        next = serverSideApply(existing, parse(text), { manager, force: url.searchParams.get('force') === 'true' });
        next = { ...next, metadata: { ...next.metadata, uid: existing?.metadata?.uid ?? `uid-${name}`, resourceVersion: String(++resourceVersion) } };
      } else {
        if (!existing) return send(res, 404, notFound(PODS, name).toStatus());
        if (type === 'application/strategic-merge-patch+json') next = stored(strategicMergePatch(existing, body, shapeOf('Pod')), existing, manager);
        else if (type === 'application/merge-patch+json') next = stored(jsonMergePatch(existing, body), existing, manager);
        else if (type === 'application/json-patch+json') next = { ...jsonPatch(existing, body), metadata: { ...jsonPatch(existing, body).metadata, resourceVersion: String(++resourceVersion) } };
        else throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
      }
      store.set(name, next);
      return send(res, existing ? 200 : 201, next);
    }
    throw badRequest(`${req.method} is not served here`);
  }

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/emu-test-kubectl-apply-');
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        handle(req, res, text).catch((error: unknown) => {
          const status = error instanceof ApiError ? error.toStatus() : badRequest(String(error)).toStatus();
          send(res, status.code ?? 500, status);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    env = kubectlEnv(dir, `http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function kubectl(...args: string[]) {
    return execa('kubectl', args, { env, reject: false, timeout: 60_000, stdin: 'ignore' });
  }

  function manifest(file: string, pod: object): string {
    const path = join(dir, file);
    writeFileSync(path, JSON.stringify(pod));
    return path;
  }

  const v1 = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'nginx' } },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx-slim:0.21', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'web' }] },
        { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
      ],
    },
  };

  it('creates with server-side field validation, then sends a strategic merge patch that applies as in Kubernetes', async () => {
    const created = await kubectl('apply', '-f', manifest('v1.json', v1));
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('pod/web created');
    const post = seen.find((s) => s.method === 'POST')!;
    expect(post.url).toMatch(/fieldValidation=Strict/);
    expect(post.url).toMatch(/fieldManager=kubectl-client-side-apply/);

    const v2 = {
      ...v1,
      metadata: { name: 'web', labels: { app: 'nginx', tier: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx-slim:0.24', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, name: 'web' }] }] },
    };
    const configured = await kubectl('apply', '-f', manifest('v2.json', v2));
    expect(configured.stderr).toBe('');
    expect(configured.stdout).toBe('pod/web configured');
    const patch = [...seen].reverse().find((s) => s.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    // What kubectl sent: element order directives and explicit deletes, keyed by name.
    expect(patch.body).toMatchObject({
      spec: {
        '$setElementOrder/containers': [{ name: 'nginx' }],
        containers: expect.arrayContaining([{ $patch: 'delete', name: 'sidecar' }]),
      },
    });
    const pod = store.get('web')!;
    expect(pod.metadata?.labels).toEqual({ app: 'nginx', tier: 'web' });
    expect(pod.spec?.containers).toEqual([{ name: 'nginx', image: 'nginx-slim:0.24', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, name: 'web' }] }]);
    expect(JSON.parse(pod.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ metadata: { labels: { tier: 'web' } } });
  });

  it('labels with kubectl label, which patches strategically', async () => {
    const labelled = await kubectl('label', 'pod', 'web', 'track=stable');
    expect(labelled.stdout).toBe('pod/web labeled');
    expect(store.get('web')?.metadata?.labels).toEqual({ app: 'nginx', tier: 'web', track: 'stable' });
    const unlabelled = await kubectl('label', 'pod', 'web', 'track-');
    expect(unlabelled.stdout).toBe('pod/web unlabeled');
    expect(store.get('web')?.metadata?.labels).toEqual({ app: 'nginx', tier: 'web' });
  });

  it('applies server-side, taking over from client-side apply', async () => {
    const v3 = { ...v1, metadata: { name: 'web', labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx-slim:0.27' }] } };
    const applied = await kubectl('apply', '--server-side', '-f', manifest('v3.json', v3));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('pod/web serverside-applied');
    const pod = store.get('web')!;
    expect(pod.spec?.containers.map((c) => [c.name, c.image])).toEqual([['nginx', 'nginx-slim:0.27']]);
    expect(pod.metadata?.managedFields?.some((m) => m.manager === 'kubectl' && m.operation === 'Apply')).toBe(true);
    // The annotation now holds what was applied, for a later client-side apply.
    expect(JSON.parse(pod.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']).spec.containers[0].image).toBe('nginx-slim:0.27');
  });

  it('prints the server-side Table as for a real cluster, wide columns with -o wide', async () => {
    const running = store.get('web')!;
    store.set('web', { ...running, spec: { ...running.spec!, nodeName: 'emu' }, status: { phase: 'Running', podIP: '10.244.0.5', containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: {} } }] } });
    const table = await kubectl('get', 'pods');
    expect(table.stdout.split('\n')).toEqual(['NAME   READY   STATUS    RESTARTS   AGE', 'web    1/1     Running   0          5m']);
    const wide = await kubectl('get', 'pod', 'web', '-o', 'wide');
    expect(wide.stdout.split('\n')).toEqual([
      'NAME   READY   STATUS    RESTARTS   AGE   IP           NODE   NOMINATED NODE   READINESS GATES',
      'web    1/1     Running   0          5m    10.244.0.5   emu    <none>           <none>',
    ]);
  });

  it('prints Status errors as kubectl prints a real API server’s, with exit code 1', async () => {
    const missing = await kubectl('get', 'pod', 'web-9');
    expect([missing.exitCode, missing.stderr]).toEqual([1, 'Error from server (NotFound): pods "web-9" not found']);
    const bad = await kubectl('create', '-f', manifest('bad.json', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } }));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('The Pod "bad" is invalid: spec.containers[0].image: Required value');
  });

  it('fails as kubectl does when the server has no OpenAPI', async () => {
    serveOpenApi = false;
    try {
      const refused = await kubectl('apply', '-f', manifest('v1b.json', { ...v1, metadata: { name: 'other' } }));
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/failed to download openapi/);
    } finally {
      serveOpenApi = true;
    }
  });
});
