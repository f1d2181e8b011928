import type { Field } from './field.ts';
import { dns1123Label } from './names.ts';
import { validateMetadata } from './validate-meta.ts';

/** A Namespace is cluster-scoped: a metadata.namespace is ignored, as the API server clears it. */
export function validateNamespace(root: Field): void {
  root.checkFields('Namespace');
  validateMetadata(root.field('metadata'), 'Namespace', dns1123Label);
}
