import type { Field } from './field.ts';
import { dns1123Subdomain } from './names.ts';
import { validateKey } from './validate-configmap.ts';
import { validateMetadata } from './validate-meta.ts';

/** Standard base64 with padding, as the API server decodes `data`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function validateSecret(root: Field): void {
  root.checkFields('Secret');
  validateMetadata(root.field('metadata'), 'Secret', dns1123Subdomain);
  root.field('type').str();
  for (const [key, value] of root.field('data').entries()) {
    validateKey(key, value);
    // Line breaks are allowed, as in YAML block scalars holding long values.
    if (!BASE64.test((value.str() ?? '').replace(/[\r\n]/g, '')))
      value.fail('must be base64-encoded (e.g. `echo -n value | base64`); put plain text in stringData instead');
  }
  for (const [key, value] of root.field('stringData').entries()) {
    validateKey(key, value);
    value.str();
  }
}
