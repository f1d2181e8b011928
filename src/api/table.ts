/** Placeholder until the full printers land: NAME and AGE for every resource. */
export interface TableOptions {
  now?: number;
}

export function toTable(_resource: string, objects: { metadata?: { name?: string; creationTimestamp?: string } }[], options: TableOptions = {}) {
  const now = options.now ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Age', priority: 0 },
    ],
    rows: objects.map((o) => ({
      cells: [o.metadata?.name ?? '', `${Math.max(0, Math.round((now - Date.parse(o.metadata?.creationTimestamp ?? '')) / 1000))}s`],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
