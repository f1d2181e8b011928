import type { Field } from './field.ts';
import { configKey, dns1123Label, dns1123Subdomain, relativePath } from './names.ts';
import { validateAffinity } from './validate-affinity.ts';
import { validateContainer } from './validate-container.ts';
import { validateAnnotations, validateLabels, validateMetadata } from './validate-meta.ts';
import { validatePodSecurityContext } from './validate-security.ts';

const VOLUME_SOURCES = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim'] as const;

/** Pods a controller keeps running are always restarted; Kubernetes rejects other policies in templates. */
const TEMPLATE_RESTART_POLICIES = ['Always'] as const;
const POD_RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;

/** A workload's pod template; `claimNames` are a StatefulSet's volumeClaimTemplates, also mountable. */
export function validatePodTemplate(template: Field, claimNames: ReadonlySet<string> = new Set()): void {
  template.required('describe the pods to run').checkFields('PodTemplateSpec');
  const meta = template.field('metadata');
  meta.checkFields('PodTemplateMeta');
  validateLabels(meta.field('labels'));
  validateAnnotations(meta.field('annotations'));
  const spec = template.field('spec').required('list the pod containers in spec.template.spec.containers');
  validatePodSpec(spec, claimNames, TEMPLATE_RESTART_POLICIES, meta.field('labels').value);
}

/** A bare Pod (kubectl run, kind: Pod): any restart policy; its claims are standalone PersistentVolumeClaims. */
export function validatePod(root: Field): void {
  root.checkFields('Pod');
  validateMetadata(root.field('metadata'), 'Pod', dns1123Subdomain);
  validatePodSpec(root.field('spec').required('list the pod containers in spec.containers'), new Set(), POD_RESTART_POLICIES, root.field('metadata').field('labels').value);
}

/** `labels` are the pods' own (affinity terms are judged against them). */
function validatePodSpec(spec: Field, claimNames: ReadonlySet<string>, restartPolicies: readonly string[], labels: unknown): void {
  spec.checkFields('PodSpec');
  spec.field('restartPolicy').oneOf(restartPolicies);
  spec.field('terminationGracePeriodSeconds').intIn(0);
  validateAffinity(spec.field('affinity'), (labels ?? {}) as Record<string, string>);
  spec.field('shareProcessNamespace').bool();
  spec.field('hostUsers').bool();
  validatePodSecurityContext(spec.field('securityContext'));

  const mountable = new Set([...validateVolumes(spec.field('volumes')), ...claimNames]);
  const containers = spec.field('containers').required('a pod needs at least one container');
  if (containers.items().length === 0) containers.fail('must have at least one container');
  const names = new Set<string>();
  for (const [list, init] of [[spec.field('initContainers'), true], [containers, false]] as const) {
    for (const container of list.items()) {
      const name = validateContainer(container, mountable, init);
      if (names.has(name))
        container.field('name').fail(`duplicate container name "${name}"; names must be unique within the pod`);
      names.add(name);
    }
  }
}

/** Returns the volume names. */
function validateVolumes(volumes: Field): Set<string> {
  const names = new Set<string>();
  for (const volume of volumes.items()) {
    volume.required().checkFields('Volume');
    const name = volume.field('name').required('name the volume').format(dns1123Label)!;
    if (names.has(name)) volume.field('name').fail(`duplicate volume name "${name}"`);
    names.add(name);

    const sources = VOLUME_SOURCES.filter((s) => volume.field(s).present);
    if (sources.length !== 1)
      volume.fail(`must specify exactly one volume type: ${VOLUME_SOURCES.join(', ')}`);
    const source = volume.field(sources[0]);
    switch (sources[0]) {
      case 'emptyDir':
        source.checkFields('EmptyDirVolumeSource');
        break;
      case 'configMap':
        source.checkFields('ConfigMapVolumeSource');
        source.field('name').required('name the ConfigMap').format(dns1123Subdomain);
        validateProjection(source);
        break;
      case 'secret':
        source.checkFields('SecretVolumeSource');
        source.field('secretName').required('name the Secret').format(dns1123Subdomain);
        validateProjection(source);
        break;
      case 'persistentVolumeClaim':
        source.checkFields('PersistentVolumeClaimVolumeSource');
        source.field('claimName').required('name the PersistentVolumeClaim').format(dns1123Subdomain);
        break;
    }
  }
  return names;
}

/** The fields configMap and secret volumes share: which keys become which files. */
function validateProjection(source: Field): void {
  for (const item of source.field('items').items()) {
    item.required().checkFields('KeyToPath');
    item.field('key').required('name the key to project').format(configKey);
    item.field('path').required('set the relative file path').format(relativePath);
    validateFileMode(item.field('mode'));
  }
  validateFileMode(source.field('defaultMode'));
  source.field('optional').bool();
}

function validateFileMode(mode: Field): void {
  const value = mode.int();
  if (value !== undefined && (value < 0 || value > 0o777))
    mode.fail(`must be a file mode between 0 and 0777 (octal, e.g. 0644, or 420 in decimal), got ${value}`);
}
