import type { LabelSelector } from 'kubernetes-types/meta/v1.d.ts';
import type { Field } from './field.ts';
import { labelValue, qualifiedName } from './names.ts';
import { validateLabels } from './validate-meta.ts';

/** A metav1.LabelSelector field (workloads, PodDisruptionBudget, affinity terms): matchLabels and matchExpressions. */
export function validateLabelSelector(selector: Field): void {
  selector.checkFields('LabelSelector');
  validateLabels(selector.field('matchLabels'));
  for (const requirement of selector.field('matchExpressions').items()) {
    requirement.required().checkFields('LabelSelectorRequirement');
    requirement.field('key').required('name the label').format(qualifiedName);
    const operator = requirement.field('operator').required().oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    const values = requirement.field('values');
    const count = values.strings().length;
    for (const value of values.items()) value.format(labelValue);
    if ((operator === 'In' || operator === 'NotIn') && count === 0)
      values.fail(`must be non-empty when operator is ${operator}`, requirement.location);
    if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0)
      values.fail(`must be empty when operator is ${operator}`);
  }
}

/**
 * A workload's pod selector: required, well-formed and not empty, as the API
 * server checks it. Call validateTemplateLabels after the template itself.
 */
export function validatePodSelector(spec: Field, kind: string): void {
  const selector = spec.field('selector').required('set matchLabels to the labels of spec.template.metadata.labels');
  validateLabelSelector(selector);
  const { matchLabels = {}, matchExpressions = [] } = selector.value as LabelSelector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0)
    selector.fail(`empty selector is invalid for a ${kind}; set matchLabels`);
}

/** The pod template must carry every label the selector requires, or the controller would never see its own pods. */
export function validateTemplateLabels(spec: Field): void {
  const labels = spec.field('template').field('metadata').field('labels');
  if (!labelSelectorMatches(spec.field('selector').value as LabelSelector, (labels.value ?? {}) as Record<string, string>))
    labels.fail('`selector` does not match template `labels`; give the template every label that spec.selector requires');
}

/** Does a (validated) label selector select these labels? An empty selector selects everything. */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  return (
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return has(key) && values.includes(labels[key]);
        case 'NotIn':
          return !has(key) || !values.includes(labels[key]);
        case 'Exists':
          return has(key);
        default:
          return !has(key);
      }
    })
  );
}

/** A selector as kubectl prints it: `app=zk,tier in (a,b)`. */
export function describeLabelSelector(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (selector.matchExpressions ?? []).map(({ key, operator, values = [] }) =>
    operator === 'Exists' ? key : operator === 'DoesNotExist' ? `!${key}` : `${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`,
  );
  return [...labels, ...expressions].join(',') || '<none>';
}
