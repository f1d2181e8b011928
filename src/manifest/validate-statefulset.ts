import type { Field } from './field.ts';
import { dns1035Label, dns1123Label } from './names.ts';
import { validateClaimSpec } from './validate-claim.ts';
import { validateAnnotations, validateLabels, validateMetadata } from './validate-meta.ts';
import { validatePodTemplate } from './validate-pod.ts';
import { validatePodSelector, validateTemplateLabels } from './validate-selector.ts';

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

  validatePodSelector(spec, 'StatefulSet');
  validatePodTemplate(spec.field('template'), validateClaimTemplates(spec.field('volumeClaimTemplates')));
  validateTemplateLabels(spec);
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
    validateClaimSpec(template.field('spec'));
  }
  return names;
}
