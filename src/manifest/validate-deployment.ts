import type { Field } from './field.ts';
import { dns1123Subdomain } from './names.ts';
import { validateMetadata } from './validate-meta.ts';
import { validateReplicatedPods } from './validate-replicaset.ts';

/** The API server's default for spec.progressDeadlineSeconds. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** The API server's default for maxSurge and maxUnavailable. */
export const DEFAULT_ROLLING_STEP = '25%';

export function validateDeployment(root: Field): void {
  root.checkFields('Deployment');
  validateMetadata(root.field('metadata'), 'Deployment', dns1123Subdomain);
  const spec = root.field('spec').required('describe the Deployment: replicas, selector, template');
  spec.checkFields('DeploymentSpec');
  validateReplicatedPods(spec, 'Deployment');
  spec.field('revisionHistoryLimit').intIn(0);
  spec.field('paused').bool();
  const deadline = spec.field('progressDeadlineSeconds');
  const seconds = deadline.intIn(0) ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const minReady = spec.field('minReadySeconds').int() ?? 0;
  if (seconds <= minReady) deadline.fail(`must be greater than minReadySeconds (${minReady})`, deadline.present ? deadline.location : spec.location);
  validateStrategy(spec.field('strategy'));
}

function validateStrategy(strategy: Field): void {
  strategy.checkFields('DeploymentStrategy');
  const type = strategy.field('type').oneOf(['RollingUpdate', 'Recreate']);
  const rolling = strategy.field('rollingUpdate');
  rolling.checkFields('RollingUpdateDeployment');
  if (rolling.present && type === 'Recreate') rolling.fail("may not be specified when strategy `type` is 'Recreate'", rolling.keyLocation);
  const surge = intOrPercent(rolling.field('maxSurge')) ?? DEFAULT_ROLLING_STEP;
  const unavailable = rolling.field('maxUnavailable');
  const value = intOrPercent(unavailable) ?? DEFAULT_ROLLING_STEP;
  if (typeof value === 'string' && Number.parseInt(value, 10) > 100) unavailable.fail(`must not be greater than 100%, got ${JSON.stringify(value)}`);
  if (isZero(value) && isZero(surge)) unavailable.fail('may not be 0 when `maxSurge` is 0; a rolling update needs room to replace a pod', unavailable.present ? unavailable.location : rolling.location);
}

/** An IntOrString of the percent kind: a non-negative integer or "N%". */
function intOrPercent(field: Field): number | string | undefined {
  if (!field.present) return undefined;
  if (typeof field.value === 'number') return field.intIn(0);
  const text = field.str()!;
  if (!/^[0-9]+%$/.test(text)) field.fail(`must be an integer or a percentage (e.g. 1 or "25%"), got ${JSON.stringify(text)}`);
  return text;
}

function isZero(value: number | string): boolean {
  return Number.parseInt(String(value), 10) === 0;
}
