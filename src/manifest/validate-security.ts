import { capabilityName } from '../runtime/capabilities.ts';
import { quote, type Field } from './field.ts';

/** User and group ids: what Kubernetes accepts (int64 fields, but 0 to 2^31-1 in practice). */
const MAX_ID = 2147483647;

/** A pod's securityContext. */
export function validatePodSecurityContext(sc: Field): void {
  if (!sc.present) return;
  sc.checkFields('PodSecurityContext');
  for (const id of ['runAsUser', 'runAsGroup', 'fsGroup']) sc.field(id).intIn(0, MAX_ID);
  sc.field('runAsNonRoot').bool();
  for (const group of sc.field('supplementalGroups').items()) group.intIn(0, MAX_ID);
}

/** A container's securityContext, with the API server's rules on combining its fields. */
export function validateSecurityContext(sc: Field): void {
  if (!sc.present) return;
  sc.checkFields('SecurityContext');
  for (const id of ['runAsUser', 'runAsGroup']) sc.field(id).intIn(0, MAX_ID);
  for (const flag of ['runAsNonRoot', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation']) sc.field(flag).bool();
  const capabilities = sc.field('capabilities');
  if (capabilities.present) capabilities.checkFields('Capabilities');
  const added: string[] = [];
  for (const list of ['add', 'drop'] as const) {
    for (const item of capabilities.field(list).items()) {
      const name = capabilityName(item.str() ?? item.fail('must be a string, got null'));
      if (name === undefined) return item.fail(`unknown capability ${quote(String(item.value))}; use a name from capabilities(7) without CAP_, e.g. NET_ADMIN, or ALL`);
      if (list === 'add') added.push(name);
    }
  }
  const escalation = sc.field('allowPrivilegeEscalation');
  if (escalation.value === false) {
    if (sc.field('privileged').value === true) escalation.fail('cannot set allowPrivilegeEscalation to false and privileged to true');
    if (added.includes('SYS_ADMIN') || added.includes('ALL')) escalation.fail('cannot set allowPrivilegeEscalation to false and capabilities.add CAP_SYS_ADMIN');
  }
}
