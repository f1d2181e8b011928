/**
 * The resource verbs of the API (get, list, watch, create, update, patch,
 * delete, deletecollection, and the status and scale subresources) on top of
 * the store, independent of HTTP: a request comes in already parsed, an
 * object (or a watch) goes out. server.ts does the wire.
 */
import { parse as parseYaml } from 'yaml';
import { jsonMergePatch, jsonPatch, serverSideApply, shapeOf, strategicMergePatch } from './patch.ts';
import { byKind, groupVersion, hasStatusSubresource, type ResourceType } from './resources.ts';
import { labelSelectorFromObject, labelSelectorString, matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError, badRequest, conflict, methodNotSupported, notFound, unsupportedMediaType } from './status.ts';
import type { ApiObject, ApiStore, DeleteOptions, ListOptions, WatchEvent } from './store.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  verb: Verb;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  /** The raw body (create, update, patch, delete). */
  body?: Buffer;
  contentType?: string;
}

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** How many times a patch is retried when the object changed under it. */
const PATCH_RETRIES = 5;

export class ResourceHandler {
  constructor(private readonly store: ApiStore) {}

  /** Everything but watch: the object or list to answer with. */
  handle(request: ResourceRequest): ApiObject | { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: ApiObject[] } {
    const { verb, subresource } = request;
    if (subresource && subresource !== 'status' && subresource !== 'scale') throw methodNotSupported(request.type, verb);
    switch (verb) {
      case 'get':
        return this.get(request);
      case 'list':
        return this.list(request);
      case 'create':
        return this.create(request);
      case 'update':
        return this.update(request);
      case 'patch':
        return this.patch(request);
      case 'delete':
        return this.store.delete(request.type, request.namespace, request.name!, deleteOptions(request));
      case 'deletecollection':
        return this.deleteCollection(request);
      default:
        throw methodNotSupported(request.type, verb);
    }
  }

  /** Start a watch; `send` gets each event until the returned stop is called. */
  watch(request: ResourceRequest, send: (event: WatchEvent) => void): () => void {
    const options = { ...listOptions(request), resourceVersion: request.query.get('resourceVersion') ?? undefined };
    if (request.name) {
      const name = request.name;
      const byField = options.fieldSelector;
      options.fieldSelector = (o) => o.metadata.name === name && (!byField || byField(o));
    }
    const watch = this.store.watch(request.type, options, send);
    return () => watch.stop();
  }

  private get(request: ResourceRequest): ApiObject {
    const object = this.store.get(request.type, request.namespace, request.name!);
    return request.subresource === 'scale' ? toScale(request.type, object) : object;
  }

  private list(request: ResourceRequest) {
    const { items, resourceVersion } = this.store.list(request.type, listOptions(request));
    return { kind: `${request.type.kind}List`, apiVersion: groupVersion(request.type), metadata: { resourceVersion }, items };
  }

  private create(request: ResourceRequest): ApiObject {
    const object = decode(request, 'create');
    checkNamespace(request, object);
    return this.store.create(request.type, object, { dryRun: dryRun(request) });
  }

  private update(request: ResourceRequest): ApiObject {
    const object = decode(request, 'update');
    checkNamespace(request, object);
    if (object.metadata?.name !== request.name) throw badRequest(`the name of the object (${object.metadata?.name}) does not match the name on the URL (${request.name})`);
    if (request.subresource === 'scale') return this.writeScale(request, object as unknown as ScaleObject);
    return this.store.update(request.type, object, { dryRun: dryRun(request), subresource: statusOnly(request) });
  }

  private patch(request: ResourceRequest): ApiObject {
    const type = (request.contentType ?? '').split(';')[0].trim();
    if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(PATCH_TYPES);
    const body = request.body?.toString('utf8') ?? '';
    let patch: unknown;
    try {
      patch = type === 'application/apply-patch+yaml' ? parseYaml(body) : JSON.parse(body);
    } catch (error) {
      throw badRequest(`error decoding patch: ${(error as Error).message}`);
    }
    for (let attempt = 0; ; attempt++) {
      const current = this.store.find(request.type, request.namespace, request.name!);
      if (!current) {
        if (type !== 'application/apply-patch+yaml') throw notFound(request.type, request.name!);
        const created = serverSideApply(undefined, patch, applyOptions(request)) as ApiObject;
        checkNamespace(request, created);
        return this.store.create(request.type, created, { dryRun: dryRun(request) });
      }
      const base = request.subresource === 'scale' ? toScale(request.type, current) : current;
      let next: ApiObject;
      switch (type) {
        case 'application/merge-patch+json':
          next = jsonMergePatch(base, patch) as ApiObject;
          break;
        case 'application/strategic-merge-patch+json':
          next = strategicMergePatch(base, patch, shapeOf(base.kind)) as ApiObject;
          break;
        case 'application/json-patch+json':
          next = jsonPatch(base, patch) as ApiObject;
          break;
        default:
          next = serverSideApply(base, patch, applyOptions(request)) as ApiObject;
      }
      try {
        if (request.subresource === 'scale') return this.writeScale(request, next as unknown as ScaleObject, current.metadata.resourceVersion);
        // The patch was computed against `current`: write only if nothing changed meanwhile.
        next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
        return this.store.update(request.type, next, { dryRun: dryRun(request), subresource: statusOnly(request) });
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'Conflict') || attempt >= PATCH_RETRIES) throw error;
      }
    }
  }

  private deleteCollection(request: ResourceRequest) {
    const { items, resourceVersion } = this.store.list(request.type, listOptions(request));
    const deleted = items.map((o) => this.store.delete(request.type, o.metadata.namespace, o.metadata.name, deleteOptions(request)));
    return { kind: `${request.type.kind}List`, apiVersion: groupVersion(request.type), metadata: { resourceVersion }, items: deleted };
  }

  private writeScale(request: ResourceRequest, scale: ScaleObject, expectedVersion?: string): ApiObject {
    const replicas = scale.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas! < 0) throw badRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    const current = this.store.get(request.type, request.namespace, request.name!);
    const version = scale.metadata?.resourceVersion || expectedVersion;
    if (version && version !== current.metadata.resourceVersion) throw conflict(request.type, request.name!);
    const next = structuredClone(current) as ApiObject & { spec: { replicas?: number } };
    next.spec.replicas = replicas;
    return toScale(request.type, this.store.update(request.type, next, { dryRun: dryRun(request) }));
  }
}

interface ScaleObject {
  metadata?: { resourceVersion?: string };
  spec?: { replicas?: number };
}

/** autoscaling/v1 Scale of a workload (StatefulSet, Deployment, ReplicaSet). */
function toScale(type: ResourceType, object: ApiObject): ApiObject {
  const spec = object.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (object.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: labelSelectorString(labelSelectorFromObject(spec.selector)) },
  } as ApiObject;
  void type;
}

function applyOptions(request: ResourceRequest) {
  return { manager: request.query.get('fieldManager') ?? 'unknown', force: request.query.get('force') === 'true', subresource: request.subresource };
}

function decode(request: ResourceRequest, action: string): ApiObject {
  const text = request.body?.toString('utf8') ?? '';
  let object: unknown;
  try {
    object = JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw badRequest(`the body of the ${action} request must be a JSON object`);
  const o = object as Partial<ApiObject>;
  if (request.subresource === 'scale') return o as ApiObject;
  const expected = groupVersion(request.type);
  if (o.apiVersion && o.apiVersion !== expected) throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${expected})`);
  if (o.kind && o.kind !== request.type.kind && byKind(o.kind)) throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${request.type.kind})`);
  o.metadata ??= {} as ApiObject['metadata'];
  return o as ApiObject;
}

function checkNamespace(request: ResourceRequest, object: ApiObject): void {
  if (!request.type.namespaced) return;
  const inBody = object.metadata?.namespace;
  if (inBody && request.namespace && inBody !== request.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  object.metadata.namespace = inBody || request.namespace || 'default';
}

function statusOnly(request: ResourceRequest): 'status' | undefined {
  return request.subresource === 'status' && hasStatusSubresource(request.type) ? 'status' : undefined;
}

function dryRun(request: ResourceRequest): boolean {
  return request.query.getAll('dryRun').includes('All');
}

export function listOptions(request: ResourceRequest): ListOptions {
  const labels = request.query.get('labelSelector');
  const fields = request.query.get('fieldSelector');
  const labelSelector = labels ? parseLabelSelector(labels) : undefined;
  const fieldSelector = fields ? parseFieldSelector(fields) : undefined;
  return {
    namespace: request.namespace,
    labelSelector: labelSelector && ((l) => matchLabels(labelSelector, l)),
    fieldSelector: fieldSelector && ((o) => matchFields(fieldSelector, o)),
  };
}

function deleteOptions(request: ResourceRequest): DeleteOptions {
  let body: { gracePeriodSeconds?: number; propagationPolicy?: DeleteOptions['propagationPolicy']; preconditions?: DeleteOptions['preconditions'] } = {};
  const text = request.body?.toString('utf8').trim();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw badRequest(`couldn't decode DeleteOptions: ${(error as Error).message}`);
    }
  }
  const grace = request.query.get('gracePeriodSeconds');
  const propagation = request.query.get('propagationPolicy');
  return {
    gracePeriodSeconds: grace !== null ? Number(grace) : body.gracePeriodSeconds,
    propagationPolicy: (propagation as DeleteOptions['propagationPolicy']) ?? body.propagationPolicy,
    preconditions: body.preconditions,
    dryRun: dryRun(request),
  };
}
