/**
 * KubeApi over HTTPS: the Kubernetes API of a running cluster, reached on its
 * Unix socket with the cluster's client certificate — what emu's CLI and
 * tests use. Also the streaming calls (watch, logs) and WebSocket upgrades
 * (exec, port-forward) the CLI needs.
 */
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import { credentialPaths } from '../api/credentials.ts';
import { groupVersion, type ResourceType } from '../api/resources.ts';
import { ApiError, fromStatus } from '../api/status.ts';
import type { ApiObject, DeleteOptions, WatchEvent } from '../api/store.ts';
import { notYours, type ClusterPaths } from '../engine/cluster-paths.ts';
import { EmuError } from '../errors.ts';
import type { KubeApi, ObjectList, PatchOptions, PatchType, Selectors } from './kube-api.ts';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface Tls {
  ca: string;
  cert: string;
  key: string;
}

/** `/api/v1/namespaces/default/pods/web-0/log` */
export function resourcePath(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const base = type.group ? `/apis/${groupVersion(type)}` : `/api/${type.version}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${type.resource}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
}

export class RestApi implements KubeApi {
  private constructor(
    readonly paths: ClusterPaths,
    private readonly tls: Tls,
  ) {}

  /** The API of the cluster at `paths`; a clear error when it is not running or not ours. */
  static async connect(paths: ClusterPaths): Promise<RestApi> {
    const pki = credentialPaths(paths.pki);
    let tls: Tls;
    try {
      const [ca, cert, key] = await Promise.all([readFile(pki.caCert, 'utf8'), readFile(pki.clientCert, 'utf8'), readFile(pki.clientKey, 'utf8')]);
      tls = { ca, cert, key };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw notYours(paths, error);
      throw new EmuError('CLUSTER_NOT_RUNNING', `no emu cluster "${paths.name}" is running here; start one with \`emu apply -f FILE\``, { cause: error });
    }
    const api = new RestApi(paths, tls);
    await api.raw('GET', '/version');
    return api;
  }

  private options(method: string, path: string, headers: Record<string, string> = {}): RequestOptions {
    return { socketPath: this.paths.apiSocket, method, path, servername: 'localhost', ...this.tls, headers: { 'User-Agent': 'emu', ...headers } };
  }

  /** One request; the body (parsed JSON when it is JSON) or an ApiError from the Status. */
  async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await this.send(method, path, body, headers);
    const text = await readAll(res);
    const json = (res.headers['content-type'] ?? '').includes('json') ? safeParse(text) : text;
    if ((res.statusCode ?? 500) >= 400) throw json && typeof json === 'object' && (json as { kind?: string }).kind === 'Status' ? fromStatus(json as never) : new ApiError(res.statusCode ?? 500, 'InternalError', String(text));
    return json;
  }

  /** A streamed answer (watch, logs): the response itself, for the caller to read. */
  async stream(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    const res = await this.send('GET', path, undefined, headers);
    if ((res.statusCode ?? 500) >= 400) {
      const text = await readAll(res);
      const json = safeParse(text);
      throw json && (json as { kind?: string }).kind === 'Status' ? fromStatus(json as never) : new ApiError(res.statusCode ?? 500, 'InternalError', text);
    }
    return res;
  }

  /** A WebSocket to the API (exec, port-forward), TLS over the Unix socket. */
  websocket(path: string, protocols: string[]): Promise<WebSocket> {
    const ws = new WebSocket(`wss://localhost${path}`, protocols, {
      createConnection: () => tlsConnect({ path: this.paths.apiSocket, servername: 'localhost', ...this.tls }),
      ...this.tls,
    } as never);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => {
        void readAll(res).then((text) => {
          const json = safeParse(text);
          reject(json && (json as { kind?: string }).kind === 'Status' ? fromStatus(json as never) : new ApiError(res.statusCode ?? 500, 'InternalError', text));
        });
      });
      ws.once('error', reject);
    });
  }

  private send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    // Content-Length always: Node sends a DELETE body unframed otherwise.
    const all = { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}), ...headers };
    return new Promise((resolve, reject) => {
      const req = request(this.options(method, path, all), resolve);
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EACCES' || error.code === 'EPERM') reject(notYours(this.paths, error));
        else if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new EmuError('CLUSTER_NOT_RUNNING', `no emu cluster "${this.paths.name}" is running here; start one with \`emu apply -f FILE\``, { cause: error }));
        else reject(error);
      });
      req.end(payload);
    });
  }

  async get<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return (await this.raw('GET', resourcePath(type, namespace, name))) as T;
  }

  async find<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.get<T>(type, namespace, name);
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  async list<T extends ApiObject = ApiObject>(type: ResourceType, selectors: Selectors = {}): Promise<ObjectList<T>> {
    const list = (await this.raw('GET', resourcePath(type, selectors.namespace) + query(selectors))) as { items: T[]; metadata: { resourceVersion: string } };
    return { items: list.items, resourceVersion: list.metadata.resourceVersion };
  }

  async create<T extends ApiObject>(type: ResourceType, object: T, options: { fieldManager?: string; dryRun?: boolean } = {}): Promise<T> {
    const q = new URLSearchParams({ fieldManager: options.fieldManager ?? 'emu', fieldValidation: 'Strict' });
    if (options.dryRun) q.set('dryRun', 'All');
    return (await this.raw('POST', `${resourcePath(type, object.metadata.namespace)}?${q}`, object)) as T;
  }

  async update<T extends ApiObject>(type: ResourceType, object: T): Promise<T> {
    return (await this.raw('PUT', resourcePath(type, object.metadata.namespace, object.metadata.name), object)) as T;
  }

  async patch<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, options: PatchOptions = {}): Promise<T> {
    const q = new URLSearchParams({ fieldManager: options.fieldManager ?? 'emu' });
    if (options.force) q.set('force', 'true');
    if (options.dryRun) q.set('dryRun', 'All');
    return (await this.raw('PATCH', `${resourcePath(type, namespace, name, options.subresource)}?${q}`, patch, { 'Content-Type': CONTENT_TYPES[patchType] })) as T;
  }

  async delete(type: ResourceType, namespace: string | undefined, name: string, options: Pick<DeleteOptions, 'gracePeriodSeconds' | 'propagationPolicy'> = {}): Promise<ApiObject> {
    return (await this.raw('DELETE', resourcePath(type, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background', ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}) })) as ApiObject;
  }

  /** As KubeApi.watch; `onClose` hears when the server ends the stream (not after stop()). */
  async watch(type: ResourceType, selectors: Selectors & { resourceVersion?: string; table?: boolean }, onEvent: (event: WatchEvent) => void, onClose?: () => void): Promise<{ stop(): void }> {
    const q = new URLSearchParams(query(selectors).slice(1));
    q.set('watch', 'true');
    if (selectors.resourceVersion) q.set('resourceVersion', selectors.resourceVersion);
    const res = await this.stream(`${resourcePath(type, selectors.namespace)}?${q}`, selectors.table ? { Accept: TABLE_ACCEPT } : {});
    const lines = createInterface({ input: res });
    lines.on('line', (line) => {
      if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
    });
    let stopped = false;
    res.once('close', () => {
      if (!stopped) onClose?.();
    });
    return {
      stop: () => {
        stopped = true;
        res.destroy();
      },
    };
  }
}

function query(selectors: Selectors): string {
  const q = new URLSearchParams();
  if (selectors.labelSelector) q.set('labelSelector', selectors.labelSelector);
  if (selectors.fieldSelector) q.set('fieldSelector', selectors.fieldSelector);
  const text = q.toString();
  return text ? `?${text}` : '';
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
