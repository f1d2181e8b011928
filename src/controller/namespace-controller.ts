/**
 * The namespace controller: a namespace being deleted (phase Terminating)
 * has everything in it deleted — pods gracefully — and is removed once the
 * last object is gone, as in Kubernetes.
 */
import type { Namespace } from 'kubernetes-types/core/v1.d.ts';
import { byKind, RESOURCES } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import { NamespaceStrategy } from '../api/strategies.ts';

const NAMESPACES = byKind('Namespace')!;
const PODS = byKind('Pod')!;

export class NamespaceController {
  private readonly watches: Watch[] = [];

  constructor(private readonly store: ApiStore) {}

  start(): void {
    this.watches.push(
      this.store.watch(NAMESPACES, {}, (e) => {
        if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp) this.drain(e.object.metadata.name);
      }),
      this.store.watch(PODS, {}, (e) => {
        const ns = this.store.find(NAMESPACES, undefined, e.object.metadata.namespace!);
        if (e.type === 'DELETED' && ns?.metadata.deletionTimestamp) this.drain(ns.metadata.name);
      }),
    );
  }

  stop(): void {
    for (const watch of this.watches) watch.stop();
  }

  private drain(name: string): void {
    const ns = this.store.find<Namespace & ApiObject>(NAMESPACES, undefined, name);
    if (!ns) return;
    if (ns.status?.phase !== 'Terminating') this.store.mutate(NAMESPACES, undefined, name, (d) => (d.status = { phase: 'Terminating' }), { subresource: 'status' });
    for (const type of RESOURCES.filter((r) => r.namespaced)) {
      for (const object of this.store.list(type, { namespace: name, unsorted: true }).items) {
        if (!object.metadata.deletionTimestamp) this.store.delete(type, name, object.metadata.name);
      }
    }
    const remaining = RESOURCES.filter((r) => r.namespaced).reduce((n, type) => n + this.store.list(type, { namespace: name, unsorted: true }).items.length, 0);
    if (remaining === 0) {
      this.store.mutate(NAMESPACES, undefined, name, (d) => (d.metadata.finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== NamespaceStrategy.FINALIZER)));
    }
  }
}
