import type { Field } from './field.ts';
import { validateLabelSelector } from './validate-selector.ts';
import { dns1123Subdomain } from './names.ts';
import { validateMetadata } from './validate-meta.ts';

/**
 * PodDisruptionBudget (policy/v1): how many pods of a set may be down at once
 * through voluntary disruptions (evictions). emu keeps it and reports its
 * status (`emu get pdb`, controller/disruption-controller.ts), and evictions
 * spend it (api/eviction.ts).
 */
export function validatePodDisruptionBudget(root: Field): void {
  root.checkFields('PodDisruptionBudget');
  validateMetadata(root.field('metadata'), 'PodDisruptionBudget', dns1123Subdomain);
  const spec = root.field('spec').required('set spec.selector and spec.minAvailable or spec.maxUnavailable');
  spec.checkFields('PodDisruptionBudgetSpec');
  validateLabelSelector(spec.field('selector'));
  const minAvailable = spec.field('minAvailable');
  const maxUnavailable = spec.field('maxUnavailable');
  validateIntOrPercent(minAvailable);
  validateIntOrPercent(maxUnavailable);
  if (minAvailable.present && maxUnavailable.present)
    maxUnavailable.fail('minAvailable and maxUnavailable cannot be both set; keep one', maxUnavailable.keyLocation);
  spec.field('unhealthyPodEvictionPolicy').oneOf(['IfHealthyBudget', 'AlwaysAllow']);
}

/** An IntOrString count of pods: an integer ≥ 0, or a percentage "0%".."100%". */
function validateIntOrPercent(field: Field): void {
  if (!field.present) return;
  if (typeof field.value === 'number') {
    field.intIn(0);
    return;
  }
  const value = field.str()!;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) field.fail(`invalid value "${value}": must be a non-negative integer or a percentage such as "50%"`);
  if (Number(percent[1]) > 100) field.fail(`invalid value "${value}": a percentage must be between 0% and 100%`);
}
