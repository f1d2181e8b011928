import { quote, type Field } from './field.ts';
import { configKey, dns1123Subdomain } from './names.ts';
import { validateMetadata } from './validate-meta.ts';

export function validateConfigMap(root: Field): void {
  root.checkFields('ConfigMap');
  validateMetadata(root.field('metadata'), 'ConfigMap', dns1123Subdomain);
  for (const [key, value] of root.field('data').entries()) {
    validateKey(key, value);
    value.str();
  }
}

/** ConfigMap and Secret keys become file names when mounted as a volume. */
export function validateKey(key: string, value: Field): void {
  const problem = configKey(key);
  if (problem) value.fail(`invalid key ${quote(key)}: ${problem}`, value.keyLocation);
}
