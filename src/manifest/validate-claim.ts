import type { Field } from './field.ts';
import { dns1123Subdomain, quantity } from './names.ts';
import { validateMetadata } from './validate-meta.ts';

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/**
 * A standalone PersistentVolumeClaim: one directory that every pod naming the
 * claim mounts (a Deployment's replicas share it).
 */
export function validatePersistentVolumeClaim(root: Field): void {
  root.checkFields('PersistentVolumeClaim');
  validateMetadata(root.field('metadata'), 'PersistentVolumeClaim', dns1123Subdomain);
  validateClaimSpec(root.field('spec').required('describe the claim: accessModes and resources.requests.storage'));
}

/**
 * A claim's spec (standalone or in a volumeClaimTemplate). Access modes and
 * size requests are standard in every manifest; they are validated but have no
 * effect on a local directory, so they pass quietly.
 */
export function validateClaimSpec(spec: Field): void {
  spec.checkFields('PersistentVolumeClaimSpec');
  for (const mode of spec.field('accessModes').items()) mode.required().oneOf(ACCESS_MODES);
  const volumeMode = spec.field('volumeMode');
  if (volumeMode.oneOf(['Filesystem', 'Block']) === 'Block')
    volumeMode.unsupported('emu claims are directories; use volumeMode Filesystem');
  const resources = spec.field('resources');
  resources.checkFields('VolumeResourceRequirements');
  for (const list of ['requests', 'limits']) {
    for (const [, amount] of resources.field(list).entries()) {
      if (typeof amount.value === 'number') amount.intIn(0);
      else amount.required().format(quantity);
    }
  }
}
