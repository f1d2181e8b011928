import { describe, expect, it } from 'vitest';
import { ApiStore, type ApiObject, type Strategy, type WatchEvent } from '../../src/api/store.ts';
import { byKind } from '../../src/api/resources.ts';
import { ApiError } from '../../src/api/status.ts';

const NS = byKind('Namespace')!;
const CM = byKind('ConfigMap')!;
const POD = byKind('Pod')!;
const STS = byKind('StatefulSet')!;

function storeWith(strategies: [string, Strategy][] = [], now = () => Date.now()): ApiStore {
  const store = new ApiStore(new Map(strategies), now);
  store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return store;
}

const cm = (name: string, data: Record<string, string> = {}, extra: Partial<ApiObject['metadata']> = {}): ApiObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data,
});

/** Everything a watch delivers until the microtask queue drains. */
async function collect(store: ApiStore, type = CM, resourceVersion?: string): Promise<{ events: WatchEvent[]; stop: () => void }> {
  const events: WatchEvent[] = [];
  const watch = store.watch(type, { resourceVersion }, (e) => events.push(e));
  await Promise.resolve();
  return { events, stop: () => watch.stop() };
}

describe('ApiStore', () => {
  it('sets server-owned metadata on create and refuses duplicates and missing namespaces', () => {
    const store = storeWith();
    const created = store.create(CM, cm('a'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.namespace).toBe('default');
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(() => store.create(CM, cm('a'))).toThrow('configmaps "a" already exists');
    expect(() => store.create(CM, cm('b', {}, { namespace: 'nope' }))).toThrow('namespaces "nope" not found');
    expect(Object.isFrozen(created.metadata)).toBe(true);
  });

  it('generates names from generateName', () => {
    const store = storeWith();
    const created = store.create(CM, cm('', {}, { generateName: 'web-' }));
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects an update carrying a stale resourceVersion and skips no-op writes', () => {
    const store = storeWith();
    const first = store.create(CM, cm('a', { k: '1' }));
    const second = store.update(CM, { ...cm('a', { k: '2' }), metadata: { ...first.metadata } });
    expect(second.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    expect(() => store.update(CM, { ...cm('a', { k: '3' }), metadata: { ...first.metadata } })).toThrow(/the object has been modified/);
    const same = store.update(CM, structuredClone(second));
    expect(same.metadata.resourceVersion).toBe(second.metadata.resourceVersion);
  });

  it('bumps generation on spec changes only, and keeps status apart from spec', () => {
    const store = storeWith();
    const sts: ApiObject = store.create(STS, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { replicas: 1 } });
    expect(sts.metadata.generation).toBe(1);
    const labelled = store.mutate(STS, 'default', 'web', (d) => (d.metadata.labels = { a: 'b' }));
    expect(labelled.metadata.generation).toBe(1);
    const scaled = store.mutate(STS, 'default', 'web', (d) => {
      d.spec = { replicas: 3 };
      d.status = { replicas: 99 };
    });
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status).toBeUndefined(); // status goes through the subresource only
    const withStatus = store.mutate(STS, 'default', 'web', (d) => {
      d.status = { replicas: 3 };
      d.spec = { replicas: 7 };
    }, { subresource: 'status' });
    expect(withStatus.status).toEqual({ replicas: 3 });
    expect(withStatus.spec).toEqual({ replicas: 3 });
  });

  it('deletes gracefully when the strategy grants a grace period, and removes on a zero-grace delete', async () => {
    let now = 1_000_000;
    const store = storeWith([['/pods', { gracePeriod: (_o, requested) => requested ?? 30 }]], () => now);
    store.create(POD, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} });
    const { events } = await collect(store, POD, store.resourceVersion);
    const deleting = store.delete(POD, 'default', 'p');
    expect(deleting.metadata.deletionTimestamp).toBe(new Date(now + 30_000).toISOString().replace('.000Z', 'Z'));
    expect(deleting.metadata.deletionGracePeriodSeconds).toBe(30);
    now += 1000;
    expect(store.delete(POD, 'default', 'p').metadata.deletionGracePeriodSeconds).toBe(30); // a second delete changes nothing
    expect(store.delete(POD, 'default', 'p', { gracePeriodSeconds: 5 }).metadata.deletionGracePeriodSeconds).toBe(5); // shorter wins
    store.delete(POD, 'default', 'p', { gracePeriodSeconds: 0 });
    expect(store.find(POD, 'default', 'p')).toBeUndefined();
    await Promise.resolve();
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('keeps an object with finalizers until the last one is removed', () => {
    const store = storeWith();
    store.create(CM, cm('f', {}, { finalizers: ['example.com/hold'] }));
    expect(store.delete(CM, 'default', 'f').metadata.deletionTimestamp).toBeDefined();
    expect(() => store.mutate(CM, 'default', 'f', (d) => d.metadata.finalizers!.push('more'))).toThrow(/no new finalizers/);
    store.mutate(CM, 'default', 'f', (d) => (d.metadata.finalizers = []));
    expect(store.find(CM, 'default', 'f')).toBeUndefined();
  });

  it('garbage-collects dependents whose only owner is gone, and orphans them on request', () => {
    const store = storeWith();
    const owner = store.create(CM, cm('owner'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid!, controller: true };
    store.create(CM, cm('child', {}, { ownerReferences: [ref] }));
    store.delete(CM, 'default', 'owner');
    expect(store.find(CM, 'default', 'child')).toBeUndefined();

    const owner2 = store.create(CM, cm('owner2'));
    store.create(CM, cm('kept', {}, { ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata.uid! }] }));
    store.delete(CM, 'default', 'owner2', { propagationPolicy: 'Orphan' });
    expect(store.find(CM, 'default', 'kept')?.metadata.ownerReferences).toEqual([]);
  });

  it('watches: current objects as ADDED without a version, changes after a given version, 410 when too old', async () => {
    const store = storeWith();
    store.create(CM, cm('a'));
    const fresh = await collect(store);
    expect(fresh.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a']);
    const rv = store.resourceVersion;
    store.create(CM, cm('b'));
    const resumed = await collect(store, CM, rv);
    expect(resumed.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b']);
    store.delete(CM, 'default', 'b');
    await Promise.resolve();
    expect(resumed.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    resumed.stop();
    fresh.stop();

    // Push the first events out of the log, then resume from before them.
    for (let i = 0; i < 20_001; i++) store.mutate(CM, 'default', 'a', (d) => (d.data = { i: String(i) }));
    const stale = await collect(store, CM, '2');
    expect(stale.events).toHaveLength(1);
    expect(stale.events[0].type).toBe('ERROR');
    expect((stale.events[0].object as unknown as { code: number }).code).toBe(410);
  });

  it('filters lists and watches by namespace and selectors', () => {
    const store = storeWith();
    store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    store.create(CM, cm('a', {}, { labels: { app: 'x' } }));
    store.create(CM, cm('b', {}, { namespace: 'other', labels: { app: 'y' } }));
    expect(store.list(CM).items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(store.list(CM, { namespace: 'other' }).items.map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.list(CM, { labelSelector: (l) => l.app === 'x' }).items.map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('runs strategy validation on create and update', () => {
    const strategy: Strategy = {
      validate: (o) => {
        if ((o as { data?: Record<string, string> }).data?.bad) throw new ApiError(422, 'Invalid', 'bad data');
      },
    };
    const store = storeWith([['/configmaps', strategy]]);
    expect(() => store.create(CM, cm('a', { bad: '1' }))).toThrow('bad data');
    store.create(CM, cm('a'));
    expect(() => store.mutate(CM, 'default', 'a', (d) => (d.data = { bad: '1' }))).toThrow('bad data');
  });
});
