/**
 * The Kubernetes API over HTTPS: discovery, OpenAPI, the resource verbs
 * (rest.ts), watches as newline-delimited JSON, server-side Table output, and
 * the pod subresources (logs, exec, attach, port-forward) handed to whoever
 * runs pods. Every failure is answered as a meta/v1 Status; nothing a client
 * sends can crash or stall the server.
 */
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { aggregatedDiscovery, AGGREGATED_DISCOVERY, apiGroupList, apiGroups, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import { decodeProtobufBody, isProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf.ts';
import { ResourceHandler, type ResourceRequest, type Verb } from './rest.ts';
import { evictPod } from './eviction.ts';
import { validateRequestObject } from '../manifest/check-request.ts';
import { byResource, type ResourceType } from './resources.ts';
import { ApiError, badRequest, forbidden, internalError, notFound, requestEntityTooLarge, unauthorized, unsupportedMediaType } from './status.ts';
import type { ApiObject, ApiStore, WatchEvent } from './store.ts';
import { toTable, type IncludeObject } from './table.ts';

/** The API server's request body limit (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 30_000;

/** Pod subresources that need the pods themselves (the kubelet answers them). */
export interface PodSubresources {
  /** GET pods/NAME/log: write the log to `out`, following while `follow` and the client stays. */
  logs(pod: ApiObject, query: URLSearchParams, out: ServerResponse): Promise<void>;
  /** exec/attach/portforward arrive as WebSocket upgrades. */
  upgrade(pod: ApiObject, subresource: 'exec' | 'attach' | 'portforward', request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface ApiServerOptions {
  store: ApiStore;
  tls: Pick<ServerOptions, 'key' | 'cert' | 'ca'>;
  pods?: PodSubresources;
  /** Extra check of a connection's origin (e.g. the local user behind it). */
  allowPeer?: (socket: TLSSocket) => boolean;
  now?: () => number;
}

interface ParsedPath {
  group: string;
  version: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

export class ApiServer {
  readonly server: Server;
  private readonly rest: ResourceHandler;
  private readonly watches = new Set<() => void>();

  constructor(private readonly options: ApiServerOptions) {
    this.rest = new ResourceHandler(options.store);
    this.server = createServer({ ...options.tls, requestCert: true, rejectUnauthorized: false }, (req, res) => void this.serve(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server.on('tlsClientError', () => undefined);
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  listen(target: { port: number; host: string } | { path: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(target, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async close(): Promise<void> {
    for (const stop of this.watches) stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private authenticate(req: IncomingMessage): void {
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) throw unauthorized('Unauthorized');
    if (this.options.allowPeer && !this.options.allowPeer(socket)) throw forbidden(undefined, '', 'this cluster belongs to another local user');
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      this.authenticate(req);
      const url = new URL(req.url ?? '/', 'https://emu');
      const answer = await this.route(req, res, url);
      if (answer !== undefined) send(res, 200, answer, contentTypeFor(req, url));
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const apiError = error instanceof ApiError ? error : internalError(error);
      if (!(error instanceof ApiError)) console.error('emu api: unexpected error:', error);
      send(res, apiError.code, apiError.toStatus());
    }
  }

  /** Returns the body to send, or undefined when the answer was streamed already. */
  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<unknown> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const fixed = this.fixedPath(path, req);
      if (fixed !== undefined) return fixed;
    }
    const parsed = parsePath(path);
    if (!parsed) throw notFound({ group: '', resource: '' }, path);
    const raw = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : undefined;
    const { body, contentType } = asJson(method, raw, req.headers['content-type']);

    if (parsed.type.kind === 'Pod' && parsed.name && ['log', 'eviction', 'exec', 'attach', 'portforward'].includes(parsed.subresource ?? '')) {
      return this.podSubresource(parsed, method, url, body, res);
    }
    const verb = verbFor(method, parsed, url);
    const request: ResourceRequest = {
      verb,
      type: parsed.type,
      namespace: parsed.namespace,
      name: parsed.name,
      subresource: parsed.subresource,
      query: url.searchParams,
      body,
      contentType,
    };
    if (verb === 'watch') return this.streamWatch(req, res, request, url);
    const before = (verb === 'update' || verb === 'patch') && !parsed.subresource ? this.options.store.find(parsed.type, parsed.namespace, parsed.name!) : undefined;
    const result = this.rest.handle(request);
    if (!parsed.subresource) warn(res, writeWarnings(verb, body, before, result as ApiObject));
    if (wantsTable(req) && (verb === 'get' || verb === 'list') && !parsed.subresource) {
      const items = 'items' in result ? (result.items as ApiObject[]) : [result];
      return { ...this.table(parsed.type, items, url), metadata: { resourceVersion: this.options.store.resourceVersion } };
    }
    if (verb === 'create' && !request.query.getAll('dryRun').includes('All')) res.statusCode = 201;
    return withKind(parsed.type, result);
  }

  private fixedPath(path: string, req: IncomingMessage): unknown {
    const aggregated = (req.headers.accept ?? '').includes('as=APIGroupDiscoveryList');
    switch (path) {
      case '/version':
        return SERVER_VERSION;
      case '/healthz':
      case '/readyz':
      case '/livez':
        return 'ok';
      case '/api':
        return aggregated ? aggregatedDiscovery(true) : apiVersions();
      case '/apis':
        return aggregated ? aggregatedDiscovery(false) : apiGroupList();
      case '/openapi/v3':
        return openApiIndex();
    }
    let m = /^\/api\/(v1)$/.exec(path);
    if (m) return apiResourceList('', m[1]);
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m && servesGroupVersion(m[1], m[2])) return apiResourceList(m[1], m[2]);
    m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m) return m[1] ? openApiDocument('', m[1]) : openApiDocument(m[2], m[3]);
    return undefined;
  }

  private table(type: ResourceType, items: ApiObject[], url: URL) {
    const include = url.searchParams.get('includeObject') as IncludeObject | null;
    return toTable(type.resource, items, { now: new Date((this.options.now ?? Date.now)()), includeObject: include ?? 'Metadata' });
  }

  private async podSubresource(parsed: ParsedPath, method: string, url: URL, body: Buffer | undefined, res: ServerResponse): Promise<unknown> {
    const pod = this.options.store.get(parsed.type, parsed.namespace, parsed.name!);
    const pods = this.options.pods;
    if (parsed.subresource === 'log' && method === 'GET' && pods) {
      await pods.logs(pod, url.searchParams, res);
      return undefined;
    }
    if (parsed.subresource === 'eviction' && method === 'POST') {
      const status = evictPod(this.options.store, pod, parseJson(body));
      res.statusCode = 201;
      return status;
    }
    if (parsed.subresource === 'exec' || parsed.subresource === 'attach' || parsed.subresource === 'portforward') {
      throw badRequest(`Upgrade request required`);
    }
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    try {
      this.authenticate(req);
      const url = new URL(req.url ?? '/', 'https://emu');
      const parsed = parsePath(url.pathname);
      const sub = parsed?.subresource;
      if (!parsed || parsed.type.kind !== 'Pod' || !parsed.name || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward') || !this.options.pods) {
        throw notFound({ group: '', resource: '' }, url.pathname);
      }
      const pod = this.options.store.get(parsed.type, parsed.namespace, parsed.name);
      this.options.pods.upgrade(pod, sub, req, socket, head);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError(error);
      const body = JSON.stringify(apiError.toStatus());
      socket.end(`HTTP/1.1 ${apiError.code} ${apiError.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  private streamWatch(req: IncomingMessage, res: ServerResponse, request: ResourceRequest, url: URL): undefined {
    const table = wantsTable(req);
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // Headers at once: clients such as `kubectl rollout status` wait for them before anything else.
    res.flushHeaders();
    let first = true;
    const write = (event: WatchEvent) => {
      let object: unknown = event.object;
      if (table && event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        const t = this.table(request.type, [event.object], url);
        // Like the API server: column definitions ride on the first event only.
        object = { ...t, columnDefinitions: first ? t.columnDefinitions : [], metadata: { resourceVersion: event.object.metadata.resourceVersion } };
        first = false;
      } else object = withKind(request.type, event.object);
      res.write(JSON.stringify({ type: event.type, object }) + '\n');
      if (event.type === 'ERROR') finish();
    };
    let stopWatch: (() => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      stopWatch?.();
      for (const timer of timers) clearTimeout(timer);
      this.watches.delete(finish);
      if (!res.writableEnded) res.end();
    };
    this.watches.add(finish);
    req.on('close', finish);
    try {
      stopWatch = this.rest.watch(request, write);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError(error);
      res.write(JSON.stringify({ type: 'ERROR', object: apiError.toStatus() }) + '\n');
      finish();
      return undefined;
    }
    if (timeoutSeconds > 0) timers.push(setTimeout(finish, timeoutSeconds * 1000));
    if (bookmarks) {
      const bookmark = () => {
        res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: request.type.kind, apiVersion: request.type.group ? `${request.type.group}/${request.type.version}` : request.type.version, metadata: { resourceVersion: this.options.store.resourceVersion } } }) + '\n');
        timers.push(setTimeout(bookmark, BOOKMARK_INTERVAL_MS).unref());
      };
      timers.push(setTimeout(bookmark, BOOKMARK_INTERVAL_MS).unref());
    }
    return undefined;
  }
}

function servesGroupVersion(group: string, version: string): boolean {
  return apiGroups().some((g) => g.group === group && g.versions.includes(version));
}

/**
 * `/api/v1/namespaces/NS/pods/NAME/log`, `/apis/apps/v1/statefulsets`,
 * `/api/v1/namespaces/NS` (the namespace itself), `/api/v1/watch/…` (legacy watch).
 */
export function parsePath(path: string): ParsedPath | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) [group, version] = ['', parts[1]];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, version] = [parts[1], parts[2]];
  else return undefined;
  let rest = parts.slice(group ? 3 : 2);
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // The namespace object itself.
    return { group, version, type: byResource('', 'v1', 'namespaces')!, name: rest[1], watchPrefix };
  }
  const type = byResource(group, version, rest[0]);
  if (!type || rest.length > 3 || (namespace && !type.namespaced)) return undefined;
  return { group, version, type, namespace, name: rest[1], subresource: rest[2], watchPrefix };
}

function verbFor(method: string, parsed: ParsedPath, url: URL): Verb {
  const watch = parsed.watchPrefix || ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return parsed.name ? 'get' : 'list';
    case 'POST':
      if (parsed.name && !parsed.subresource) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return parsed.name ? 'delete' : 'deletecollection';
    default:
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((part) => part.includes('as=Table') && part.includes('g=meta.k8s.io'));
}

function contentTypeFor(req: IncomingMessage, url: URL): string {
  if ((req.headers.accept ?? '').includes('as=APIGroupDiscoveryList') && (url.pathname === '/api' || url.pathname === '/apis')) return AGGREGATED_DISCOVERY;
  return 'application/json';
}

/** List items and watched objects carry their kind, so clients can decode them alone. */
function withKind(type: ResourceType, result: unknown): unknown {
  const r = result as { kind?: string; items?: ApiObject[] };
  if (r && Array.isArray(r.items)) {
    return { ...r, items: r.items.map((i) => ({ ...i, apiVersion: i.apiVersion ?? type.version, kind: i.kind ?? type.kind })) };
  }
  return result;
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.statusCode === 200 || code !== 200) res.statusCode = code;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.setHeader('Content-Type', typeof body === 'string' ? 'text/plain; charset=utf-8' : contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Objects arrive in protobuf from kubectl's generators (create namespace|configmap|secret|…):
 * decoded here, so the resource handlers only ever see JSON. Patches are never protobuf.
 */
function asJson(method: string, body: Buffer | undefined, contentType: string | undefined): { body: Buffer | undefined; contentType: string | undefined } {
  if (!body?.length || method === 'PATCH' || !(contentType ?? '').includes('protobuf')) return { body, contentType };
  if (!isProtobuf(contentType)) throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE]);
  return { body: Buffer.from(JSON.stringify(decodeProtobufBody(body))), contentType: 'application/json' };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(requestEntityTooLarge('the request body is too large (over 3 MiB)'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer | undefined): unknown {
  try {
    return JSON.parse(body?.toString('utf8') || '{}');
  } catch (error) {
    throw badRequest(`json parse error: ${(error as Error).message}`);
  }
}

/**
 * What a write asks for that emu accepts but does not emulate (the same
 * warnings `emu apply` prints, by field path), for the client to show: kubectl
 * prints each as `Warning: …`. A create is judged by what the client sent (the
 * stored object has the server's defaults too, some of them fields emu ignores);
 * an update or patch by what it adds to the object as it was.
 */
function writeWarnings(verb: Verb, body: Buffer | undefined, before: ApiObject | undefined, result: ApiObject): string[] {
  if (verb === 'create') return notEmulated(JSON.parse(body!.toString('utf8')) as ApiObject);
  if ((verb !== 'update' && verb !== 'patch') || !before) return [];
  const had = new Set(notEmulated(before));
  return notEmulated(result).filter((w) => !had.has(w));
}

function notEmulated(object: ApiObject): string[] {
  try {
    return validateRequestObject(object);
  } catch {
    return []; // stored, so valid; a rule that changed its mind is not the client's problem
  }
}

/** Kubernetes' Warning headers: `299 - "text"`, one per warning. */
function warn(res: ServerResponse, warnings: string[]): void {
  if (warnings.length > 0) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}
