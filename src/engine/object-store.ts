import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../manifest/types.ts';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** kubectl's resource names for messages: `statefulset.apps/web created`. */
export const RESOURCE_NAMES: Record<KubeObject['kind'], string> = {
  StatefulSet: 'statefulset.apps',
  Service: 'service',
  ConfigMap: 'configmap',
  Secret: 'secret',
};

export function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** The applied objects, as an API server would keep them (generation bumps on spec change). */
export class ObjectStore {
  private readonly objects = new Map<string, { object: KubeObject; createdAt: number; generation: number }>();

  apply(object: KubeObject): ApplyOutcome {
    const key = objectKey(object.kind, object.metadata.namespace, object.metadata.name);
    const existing = this.objects.get(key);
    if (!existing) {
      this.objects.set(key, { object: structuredClone(object), createdAt: Date.now(), generation: 1 });
      return 'created';
    }
    if (isDeepStrictEqual(stripStatus(existing.object), stripStatus(object))) return 'unchanged';
    // Like the API server: generation counts spec changes only, not metadata edits.
    if (!isDeepStrictEqual((existing.object as { spec?: unknown }).spec, (object as { spec?: unknown }).spec)) existing.generation++;
    existing.object = structuredClone(object);
    return 'configured';
  }

  get<K extends KubeObject['kind']>(kind: K, namespace: string, name: string): Extract<KubeObject, { kind: K }> | undefined {
    return this.objects.get(objectKey(kind, namespace, name))?.object as Extract<KubeObject, { kind: K }> | undefined;
  }

  meta(kind: string, namespace: string, name: string): { createdAt: number; generation: number } | undefined {
    return this.objects.get(objectKey(kind, namespace, name));
  }

  list<K extends KubeObject['kind']>(kind: K): Extract<KubeObject, { kind: K }>[] {
    return [...this.objects.values()].map((e) => e.object).filter((o): o is Extract<KubeObject, { kind: K }> => o.kind === kind);
  }

  delete(kind: string, namespace: string, name: string): boolean {
    return this.objects.delete(objectKey(kind, namespace, name));
  }
}

function stripStatus(object: KubeObject): unknown {
  const { status: _status, ...rest } = object as KubeObject & { status?: unknown };
  return rest;
}
