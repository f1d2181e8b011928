import type { Field } from './field.ts';
import { dns1123Subdomain } from './names.ts';
import { validateMetadata } from './validate-meta.ts';
import { validatePodTemplate } from './validate-pod.ts';
import { validatePodSelector, validateTemplateLabels } from './validate-selector.ts';

export function validateReplicaSet(root: Field): void {
  root.checkFields('ReplicaSet');
  validateMetadata(root.field('metadata'), 'ReplicaSet', dns1123Subdomain);
  const spec = root.field('spec').required('describe the ReplicaSet: replicas, selector, template');
  spec.checkFields('ReplicaSetSpec');
  validateReplicatedPods(spec, 'ReplicaSet');
}

/**
 * What a ReplicaSet and a Deployment share: a number of interchangeable pods
 * from one template, picked out by a selector.
 */
export function validateReplicatedPods(spec: Field, kind: string): void {
  spec.field('replicas').intIn(0);
  spec.field('minReadySeconds').intIn(0);
  validatePodSelector(spec, kind);
  validatePodTemplate(spec.field('template'));
  validateTemplateLabels(spec);
}
