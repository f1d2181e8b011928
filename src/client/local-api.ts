/**
 * KubeApi inside the cluster's process: the store itself, with the same
 * verbs, selectors and errors the HTTPS API gives.
 */
import type { ResourceType } from '../api/resources.ts';
import { ResourceHandler } from '../api/rest.ts';
import type { ApiObject, ApiStore, DeleteOptions, WatchEvent } from '../api/store.ts';
import type { KubeApi, ObjectList, PatchOptions, PatchType, Selectors } from './kube-api.ts';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export class LocalApi implements KubeApi {
  private readonly rest: ResourceHandler;

  constructor(private readonly store: ApiStore) {
    this.rest = new ResourceHandler(store);
  }

  async get<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.store.get<T>(type, namespace, name);
  }

  async find<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.store.find<T>(type, namespace, name);
  }

  async list<T extends ApiObject = ApiObject>(type: ResourceType, selectors: Selectors = {}): Promise<ObjectList<T>> {
    const result = this.rest.handle({ verb: 'list', type, namespace: selectors.namespace, query: query(selectors) }) as unknown as ObjectList<T> & { metadata: { resourceVersion: string } };
    return { items: result.items, resourceVersion: result.metadata.resourceVersion };
  }

  async create<T extends ApiObject>(type: ResourceType, object: T, options: { dryRun?: boolean } = {}): Promise<T> {
    return this.store.create(type, object, { dryRun: options.dryRun });
  }

  async update<T extends ApiObject>(type: ResourceType, object: T): Promise<T> {
    return this.store.update(type, object);
  }

  async patch<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, options: PatchOptions = {}): Promise<T> {
    const q = new URLSearchParams();
    if (options.dryRun) q.set('dryRun', 'All');
    if (options.force) q.set('force', 'true');
    if (options.fieldManager) q.set('fieldManager', options.fieldManager);
    return this.rest.handle({ verb: 'patch', type, namespace, name, subresource: options.subresource, query: q, body: Buffer.from(JSON.stringify(patch)), contentType: CONTENT_TYPES[patchType] }) as T;
  }

  async delete(type: ResourceType, namespace: string | undefined, name: string, options: Pick<DeleteOptions, 'gracePeriodSeconds' | 'propagationPolicy'> = {}): Promise<ApiObject> {
    return this.store.delete(type, namespace, name, options);
  }

  async watch(type: ResourceType, selectors: Selectors & { resourceVersion?: string }, onEvent: (event: WatchEvent) => void): Promise<{ stop(): void }> {
    const q = query(selectors);
    if (selectors.resourceVersion) q.set('resourceVersion', selectors.resourceVersion);
    const stop = this.rest.watch({ verb: 'watch', type, namespace: selectors.namespace, query: q }, onEvent);
    return { stop };
  }
}

function query(selectors: Selectors): URLSearchParams {
  const q = new URLSearchParams();
  if (selectors.labelSelector) q.set('labelSelector', selectors.labelSelector);
  if (selectors.fieldSelector) q.set('fieldSelector', selectors.fieldSelector);
  return q;
}
