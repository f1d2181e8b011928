/**
 * The API store: every object of the cluster, as the Kubernetes API server keeps
 * them in etcd — server-owned metadata (uid, resourceVersion, generation,
 * creationTimestamp), optimistic concurrency, graceful deletion with
 * deletionTimestamp, finalizers, garbage collection through ownerReferences,
 * and watches that can resume from a resourceVersion (or get 410 Gone).
 *
 * Per-type behaviour (defaults, validation, which fields an update may touch,
 * grace periods) comes from a Strategy, as in the API server's registry.
 * Stored objects are deep-frozen: readers share them, nobody mutates them.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.d.ts';
import { byKind, groupVersion, hasStatusSubresource, type ResourceType } from './resources.ts';
import { ApiError, alreadyExists, badRequest, conflict, gone, notFound } from './status.ts';

/** Object metadata as the store writes it (kubernetes-types marks the server-owned fields readonly). */
export type Metadata = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] } & { name: string };

export interface ApiObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = ApiObject> {
  type: WatchEventType;
  object: T;
}

/** Per-type rules, like the API server's RESTCreateStrategy/RESTUpdateStrategy/RESTDeleteStrategy. */
export interface Strategy {
  /** Defaults and server-set fields before a create is validated (may mutate). */
  prepareForCreate?(object: ApiObject, store: ApiStore): void;
  /** Throws an ApiError (usually 422 Invalid) when the object may not be stored. */
  validate?(object: ApiObject, old: ApiObject | undefined, store: ApiStore): void;
  /** Before an update of the main resource is validated (may mutate `object`). */
  prepareForUpdate?(object: ApiObject, old: ApiObject, store: ApiStore): void;
  /** The grace period a delete gets (0 or undefined: removed at once). */
  gracePeriod?(object: ApiObject, requested: number | undefined): number | undefined;
  /** After the object is gone for good (release what it held). */
  afterDelete?(object: ApiObject, store: ApiStore): void;
}

export interface ListOptions {
  namespace?: string;
  /** Sort by namespace and name (the API's order). Controllers that do not care skip the cost. */
  unsorted?: boolean;
  /** Already parsed selectors (see selectors.ts); both must match. */
  labelSelector?: (labels: Record<string, string>) => boolean;
  fieldSelector?: (object: ApiObject) => boolean;
}

export interface WatchOptions extends ListOptions {
  /** Resume after this version; '' or '0' (or absent): every current object as ADDED first. */
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Update the status subresource: only status changes (and the resourceVersion). */
  subresource?: 'status';
}

export interface Watch {
  stop(): void;
}

interface Watcher {
  type: ResourceType;
  options: ListOptions;
  deliver: (event: WatchEvent) => void;
}

interface LoggedEvent {
  rv: number;
  type: ResourceType;
  event: WatchEvent;
}

/** How many past changes a watch can resume from before it gets 410 Gone. */
const WATCH_LOG_LENGTH = 20_000;

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATE_NAME_BASE = 58;

export class ApiStore {
  /** Objects by type (`<group>/<resource>`), then by `<namespace>/<name>`. */
  private readonly objects = new Map<string, Map<string, ApiObject>>();
  private readonly watchers = new Set<Watcher>();
  private readonly listeners = new Set<() => void>();
  /** Owner uid → the objects naming it in ownerReferences (the garbage collector's graph). */
  private readonly owned = new Map<string, Set<[ResourceType, string]>>();
  private readonly log: LoggedEvent[] = [];
  private rv = 1;

  constructor(
    private readonly strategies: ReadonlyMap<string, Strategy> = new Map(),
    private readonly now: () => number = Date.now,
  ) {}

  /** The store's current resourceVersion (a list's, a bookmark's). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** An RFC 3339 time at second precision, as metav1.Time serialises. */
  timestamp(ms = this.now()): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  create<T extends ApiObject>(type: ResourceType, input: T, options: WriteOptions = {}): T {
    const object = structuredClone(input) as ApiObject;
    const meta = (object.metadata ??= {} as Metadata);
    object.apiVersion = groupVersion(type);
    object.kind = type.kind;
    // As the API server's name generator: the base is cut to 58 characters, so the name fits a DNS label.
    if (!meta.name && meta.generateName) meta.name = meta.generateName.slice(0, MAX_GENERATE_NAME_BASE) + randomSuffix();
    if (!meta.name) throw badRequest('name or generateName is required');
    if (type.namespaced) {
      meta.namespace ||= 'default';
      this.requireNamespace(meta.namespace);
    } else delete meta.namespace;
    if (this.table(type).has(nameKey(type, meta.namespace, meta.name))) throw alreadyExists(type, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (hasStatusSubresource(type) && type.kind !== 'Namespace') meta.generation = 1;
    const strategy = this.strategy(type);
    strategy?.prepareForCreate?.(object, this);
    strategy?.validate?.(object, undefined, this);
    if (options.dryRun) return object as T;
    return this.write(type, object, 'ADDED') as T;
  }

  get<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): T {
    const object = this.find<T>(type, namespace, name);
    if (!object) throw notFound(type, name);
    return object;
  }

  find<T extends ApiObject = ApiObject>(type: ResourceType, namespace: string | undefined, name: string): T | undefined {
    return this.table(type).get(nameKey(type, namespace, name)) as T | undefined;
  }

  list<T extends ApiObject = ApiObject>(type: ResourceType, options: ListOptions = {}): { items: T[]; resourceVersion: string } {
    const items: T[] = [];
    for (const object of this.table(type).values()) if (matches(object, options)) items.push(object as T);
    if (!options.unsorted) items.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    return { items, resourceVersion: this.resourceVersion };
  }

  /**
   * Replace an object (PUT). A resourceVersion in the input must be the current
   * one (409 Conflict otherwise); without one the write is unconditional.
   */
  update<T extends ApiObject>(type: ResourceType, input: T, options: WriteOptions = {}): T {
    const meta = input.metadata;
    const old = this.get(type, meta?.namespace, meta?.name);
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(type, meta.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (meta.uid && meta.uid !== old.metadata.uid) throw conflict(type, meta.name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`);
    const object = structuredClone(input) as ApiObject;
    object.apiVersion = old.apiVersion;
    object.kind = old.kind;
    const keep = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'resourceVersion'] as const;
    for (const field of keep) (object.metadata as unknown as Record<string, unknown>)[field] = old.metadata[field];
    if (!type.namespaced) delete object.metadata.namespace;
    const strategy = this.strategy(type);
    if (options.subresource === 'status') {
      // Status writers own status only; everything else stays as it was.
      const status = object.status;
      Object.assign(object, structuredClone(old), { status });
      if (status === undefined) delete object.status;
    } else {
      if (hasStatusSubresource(type)) {
        if (old.status === undefined) delete object.status;
        else object.status = structuredClone(old.status);
      }
      // Once deleting, an object may only lose finalizers, never gain new ones.
      if (old.metadata.deletionTimestamp && (object.metadata.finalizers ?? []).some((f) => !(old.metadata.finalizers ?? []).includes(f))) {
        throw new ApiError(403, 'Forbidden', `${type.kind} "${meta.name}" is being deleted: no new finalizers can be added`);
      }
      strategy?.prepareForUpdate?.(object, old, this);
      if (old.metadata.generation !== undefined && !isDeepStrictEqual(object.spec, old.spec)) object.metadata.generation = old.metadata.generation + 1;
      strategy?.validate?.(object, old, this);
    }
    if (isDeepStrictEqual(object, old)) return old as T; // a no-op write changes nothing, not even the version
    if (options.dryRun) return object as T;
    // The last finalizer of an object whose grace period is over: it goes now.
    if (old.metadata.deletionTimestamp && !object.metadata.finalizers?.length && !object.metadata.deletionGracePeriodSeconds) {
      this.remove(type, object);
      return object as T;
    }
    return this.write(type, object, 'MODIFIED') as T;
  }

  /** Read-modify-write for in-process controllers: `change` edits a copy of the current object. */
  mutate<T extends ApiObject>(type: ResourceType, namespace: string | undefined, name: string, change: (draft: T) => void, options: WriteOptions = {}): T {
    const draft = structuredClone(this.get<T>(type, namespace, name));
    change(draft);
    return this.update(type, draft, options);
  }

  /**
   * DELETE: objects with a grace period (running pods) or finalizers get a
   * deletionTimestamp and stay until their owner finishes; others go at once.
   * Returns the object as it is after the call.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): ApiObject {
    const object = this.get(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== object.metadata.uid) throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${object.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== object.metadata.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`);
    }
    if (options.dryRun) return object;
    if (options.propagationPolicy === 'Orphan') this.orphanDependents(object);
    const grace = this.strategy(type)?.gracePeriod?.(object, options.gracePeriodSeconds) ?? 0;
    const finalizers = object.metadata.finalizers ?? [];
    const deadline = this.now() + grace * 1000;
    if (grace === 0 && finalizers.length === 0) return this.remove(type, object);
    const current = object.metadata.deletionTimestamp;
    // Already deleting: only a shorter grace period changes anything.
    if (current && (grace === 0 || Date.parse(current) <= deadline)) return object;
    const next = structuredClone(object);
    next.metadata.deletionTimestamp = this.timestamp(deadline);
    next.metadata.deletionGracePeriodSeconds = grace;
    return this.write(type, next, 'MODIFIED');
  }

  /**
   * Watch one resource type. Delivery is asynchronous and in order; a watcher
   * that resumes from a version older than the log gets one ERROR (410 Gone).
   */
  watch(type: ResourceType, options: WatchOptions, deliver: (event: WatchEvent) => void): Watch {
    const watcher: Watcher = { type, options, deliver: queued(deliver) };
    const from = options.resourceVersion;
    if (!from || from === '0') {
      for (const object of this.list(type, options).items) watcher.deliver({ type: 'ADDED', object });
    } else {
      const since = Number(from);
      if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version "${from}"`);
      const oldest = this.log[0]?.rv ?? this.rv + 1;
      if (since < oldest - 1 && since < this.rv) {
        watcher.deliver({ type: 'ERROR', object: gone(`too old resource version: ${since} (${oldest - 1})`).toStatus() as unknown as ApiObject });
        return { stop: () => undefined };
      }
      for (const entry of this.log) if (entry.rv > since && entry.type === type && matches(entry.event.object, options)) watcher.deliver(entry.event);
    }
    this.watchers.add(watcher);
    return { stop: () => this.watchers.delete(watcher) };
  }

  /** Called (asynchronously) after any change at all: for waits that re-check a condition. */
  onChange(listener: () => void): () => void {
    let scheduled = false;
    // Many changes in one turn are one call.
    const entry = () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (this.listeners.has(entry)) listener();
      });
    };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  // ---- internals ----------------------------------------------------------

  private strategy(type: ResourceType): Strategy | undefined {
    return this.strategies.get(typeKey(type));
  }

  private table(type: ResourceType): Map<string, ApiObject> {
    let table = this.objects.get(typeKey(type));
    if (!table) this.objects.set(typeKey(type), (table = new Map()));
    return table;
  }

  private requireNamespace(namespace: string): void {
    const ns = this.find(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private write(type: ResourceType, object: ApiObject, eventType: 'ADDED' | 'MODIFIED'): ApiObject {
    object.metadata.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(object);
    const table = this.table(type);
    const key = nameKey(type, object.metadata.namespace, object.metadata.name);
    this.index(type, table.get(key), frozen);
    table.set(key, frozen);
    this.publish(type, { type: eventType, object: frozen });
    return frozen;
  }

  private remove(type: ResourceType, object: ApiObject): ApiObject {
    const table = this.table(type);
    const key = nameKey(type, object.metadata.namespace, object.metadata.name);
    const stored = table.get(key);
    if (!stored) return object;
    table.delete(key);
    this.index(type, stored, undefined);
    const last = structuredClone(object);
    last.metadata.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(last);
    this.publish(type, { type: 'DELETED', object: frozen });
    this.strategy(type)?.afterDelete?.(frozen, this);
    this.collectDependents(frozen);
    return frozen;
  }

  /** The garbage collector's background propagation: dependents go once their owner is gone. */
  private collectDependents(owner: ApiObject): void {
    for (const [type, object] of this.dependentsOf(owner)) {
      const others = object.metadata.ownerReferences!.filter((ref: OwnerReference) => ref.uid !== owner.metadata.uid && this.ownerExists(ref, object.metadata.namespace));
      if (others.length > 0) continue; // another live owner keeps it
      if (!object.metadata.deletionTimestamp) this.delete(type, object.metadata.namespace, object.metadata.name);
    }
  }

  private orphanDependents(owner: ApiObject): void {
    for (const [type, object] of this.dependentsOf(owner)) {
      const next = structuredClone(object);
      next.metadata.ownerReferences = object.metadata.ownerReferences!.filter((ref) => ref.uid !== owner.metadata.uid);
      this.write(type, next, 'MODIFIED');
    }
  }

  /** Objects that name `owner` in their ownerReferences. */
  private dependentsOf(owner: ApiObject): [ResourceType, ApiObject][] {
    const found: [ResourceType, ApiObject][] = [];
    for (const [type, key] of this.owned.get(owner.metadata.uid!) ?? []) {
      const object = this.table(type).get(key);
      if (object) found.push([type, object]);
    }
    return found;
  }

  /** Keeps the owner index (owner uid → dependents) in step with one object's ownerReferences. */
  private index(type: ResourceType, before: ApiObject | undefined, after: ApiObject | undefined): void {
    const key = nameKey(type, (after ?? before)!.metadata.namespace, (after ?? before)!.metadata.name);
    for (const ref of before?.metadata.ownerReferences ?? []) {
      const set = this.owned.get(ref.uid);
      if (!set) continue;
      for (const entry of set) if (entry[0] === type && entry[1] === key) set.delete(entry);
      if (set.size === 0) this.owned.delete(ref.uid);
    }
    for (const ref of after?.metadata.ownerReferences ?? []) {
      let set = this.owned.get(ref.uid);
      if (!set) this.owned.set(ref.uid, (set = new Set()));
      set.add([type, key]);
    }
  }

  private ownerExists(ref: OwnerReference, namespace: string | undefined): boolean {
    const type = byKind(ref.kind, ref.apiVersion);
    return Boolean(type && this.find(type, namespace, ref.name)?.metadata.uid === ref.uid);
  }

  private publish(type: ResourceType, event: WatchEvent): void {
    this.log.push({ rv: this.rv, type, event });
    if (this.log.length > WATCH_LOG_LENGTH) this.log.splice(0, this.log.length - WATCH_LOG_LENGTH);
    for (const watcher of this.watchers) if (watcher.type === type && matches(event.object, watcher.options)) watcher.deliver(event);
    for (const listener of this.listeners) listener();
  }
}

const NAMESPACES = byKind('Namespace')!;

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function nameKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${type.namespaced ? (namespace ?? 'default') : ''}/${name}`;
}

function matches(object: ApiObject, options: ListOptions): boolean {
  if (options.namespace && object.metadata.namespace && object.metadata.namespace !== options.namespace) return false;
  if (options.labelSelector && !options.labelSelector((object.metadata.labels ?? {}) as Record<string, string>)) return false;
  if (options.fieldSelector && !options.fieldSelector(object)) return false;
  return true;
}

/** In order, never inside the store's own call stack (a watcher may write back). */
function queued(deliver: (event: WatchEvent) => void): (event: WatchEvent) => void {
  const pending: WatchEvent[] = [];
  let scheduled = false;
  return (event) => {
    pending.push(event);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      for (const e of pending.splice(0)) deliver(e);
    });
  };
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
