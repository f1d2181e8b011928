/**
 * The one typed API every part of emu speaks: the Kubernetes API. Two named
 * implementations — LocalApi (in the cluster's own process: scenarios, bench)
 * and RestApi (over HTTPS: the CLI, tests, anything outside the node) — so
 * code written against KubeApi runs the same in both places.
 */
import type { ResourceType } from '../api/resources.ts';
import type { ApiObject, DeleteOptions, WatchEvent } from '../api/store.ts';

export interface Selectors {
  namespace?: string;
  /** `app=web,tier in (a,b)` */
  labelSelector?: string;
  /** `metadata.name=web-0` */
  fieldSelector?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions {
  subresource?: string;
  fieldManager?: string;
  force?: boolean;
  dryRun?: boolean;
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
}

export interface KubeApi {
  get<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T>;
  /** undefined instead of a NotFound error. */
  find<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined>;
  list<T extends ApiObject = ApiObject>(type: ResourceType, selectors?: Selectors): Promise<ObjectList<T>>;
  create<T extends ApiObject>(type: ResourceType, object: T, options?: { fieldManager?: string; dryRun?: boolean }): Promise<T>;
  update<T extends ApiObject>(type: ResourceType, object: T): Promise<T>;
  patch<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, options?: PatchOptions): Promise<T>;
  delete(type: ResourceType, namespace: string | undefined, name: string, options?: Pick<DeleteOptions, 'gracePeriodSeconds' | 'propagationPolicy'>): Promise<ApiObject>;
  /** Events until stop(); from `resourceVersion` when given, else every current object as ADDED first. */
  watch(type: ResourceType, selectors: Selectors & { resourceVersion?: string }, onEvent: (event: WatchEvent) => void): Promise<{ stop(): void }>;
}
