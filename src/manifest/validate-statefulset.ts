import type { Field } from './field.ts';
import { dns1035Label, dns1123Label, labelValue, qualifiedName, quantity } from './names.ts';
import { validateAnnotations, validateLabels, validateMetadata } from './validate-meta.ts';
import { validatePodTemplate } from './validate-pod.ts';

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/**
 * Pod names are `<name>-<ordinal>` and pods carry the label
 * `controller-revision-hash: <name>-<10-char hash>`; both must fit in 63
 * characters, which leaves 52 for the name.
 */
const MAX_NAME = 52;

export function validateStatefulSet(root: Field): void {
  root.checkFields('StatefulSet');
  validateMetadata(root.field('metadata'), 'StatefulSet', (name) => dns1123Label(name, MAX_NAME));

  const spec = root.field('spec').required('describe the StatefulSet: selector, serviceName, template');
  spec.checkFields('StatefulSetSpec');
  spec.field('replicas').intIn(0);
  // Optional; when set it must name a Service, as pod DNS names hang off it.
  if (spec.field('serviceName').str()) spec.field('serviceName').format(dns1035Label);
  spec.field('podManagementPolicy').oneOf(['OrderedReady', 'Parallel']);
  spec.field('revisionHistoryLimit').intIn(0);
  spec.field('minReadySeconds').intIn(0);

  const ordinals = spec.field('ordinals');
  ordinals.checkFields('StatefulSetOrdinals');
  ordinals.field('start').intIn(0);

  const retention = spec.field('persistentVolumeClaimRetentionPolicy');
  retention.checkFields('StatefulSetPersistentVolumeClaimRetentionPolicy');
  retention.field('whenDeleted').oneOf(['Retain', 'Delete']);
  retention.field('whenScaled').oneOf(['Retain', 'Delete']);

  const strategy = spec.field('updateStrategy');
  strategy.checkFields('StatefulSetUpdateStrategy');
  const type = strategy.field('type').oneOf(['RollingUpdate', 'OnDelete']);
  const rolling = strategy.field('rollingUpdate');
  rolling.checkFields('RollingUpdateStatefulSetStrategy');
  if (rolling.present && type === 'OnDelete')
    rolling.fail('only allowed when updateStrategy.type is RollingUpdate', rolling.keyLocation);
  rolling.field('partition').intIn(0);

  const selector = spec.field('selector').required('set matchLabels to the labels of spec.template.metadata.labels');
  validateSelector(selector);
  validatePodTemplate(spec.field('template'), validateClaimTemplates(spec.field('volumeClaimTemplates')));

  const labels = spec.field('template').field('metadata').field('labels');
  if (!selectorMatches(selector.value as Selector, (labels.value ?? {}) as Record<string, string>))
    labels.fail('`selector` does not match template `labels`; give the template every label that spec.selector requires');
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function validateSelector(selector: Field): void {
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
  const { matchLabels = {}, matchExpressions = [] } = selector.value as Selector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0)
    selector.fail('empty selector is invalid for a StatefulSet; set matchLabels');
}

function selectorMatches(selector: Selector, labels: Record<string, string>): boolean {
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

/** Returns the claim template names, which volumeMounts may refer to. */
function validateClaimTemplates(templates: Field): Set<string> {
  const names = new Set<string>();
  for (const template of templates.items()) {
    template.required().checkFields('PersistentVolumeClaim');
    template.field('apiVersion').oneOf(['v1']);
    template.field('kind').oneOf(['PersistentVolumeClaim']);
    const meta = template.field('metadata').required('name the claim template');
    meta.checkFields('ClaimTemplateMeta');
    const name = meta.field('name').required('name the claim template').format(dns1123Label)!;
    if (names.has(name)) meta.field('name').fail(`duplicate volumeClaimTemplates name "${name}"`);
    names.add(name);
    validateLabels(meta.field('labels'));
    validateAnnotations(meta.field('annotations'));

    const spec = template.field('spec');
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
  return names;
}
