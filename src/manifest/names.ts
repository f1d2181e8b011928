/**
 * Name formats from Kubernetes' apimachinery validation. Each check returns
 * null when the value is fine, or a short explanation of what is wrong.
 * These matter beyond Kubernetes conformance: emu turns names into directory
 * and file names, and these formats exclude '/', '..' and friends.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function tooLong(value: string, max: number): string | null {
  return value.length > max ? `must be no more than ${max} characters (is ${value.length})` : null;
}

/** DNS-1123 label: container, volume, namespace and StatefulSet names. */
export function dns1123Label(value: string, max = 63): string | null {
  return (
    tooLong(value, max) ??
    (LABEL.test(value)
      ? null
      : "must consist of lowercase letters, digits and '-', and start and end with a letter or digit (e.g. 'my-name')")
  );
}

/** DNS-1035 label: Service names (they must start with a letter). */
export function dns1035Label(value: string): string | null {
  return (
    tooLong(value, 63) ??
    (LABEL_1035.test(value)
      ? null
      : "must consist of lowercase letters, digits and '-', start with a letter and end with a letter or digit (e.g. 'my-name')")
  );
}

/** DNS-1123 subdomain: ConfigMap, Secret and PVC names. */
export function dns1123Subdomain(value: string): string | null {
  return (
    tooLong(value, 253) ??
    (SUBDOMAIN.test(value)
      ? null
      : "must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit (e.g. 'example.com')")
  );
}

/** IANA service name: container and service port names. */
export function portName(value: string): string | null {
  if (value.length > 15) return `must be no more than 15 characters (is ${value.length})`;
  if (!IANA_SVC_NAME.test(value) || value.includes('--'))
    return "must consist of lowercase letters, digits and '-', start and end with a letter or digit, and not contain '--'";
  if (!/[a-z]/.test(value)) return 'must contain at least one letter';
  return null;
}

/** Label and annotation keys: an optional DNS subdomain prefix and '/', then a name. */
export function qualifiedName(value: string): string | null {
  const slash = value.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, value] : [value.slice(0, slash), value.slice(slash + 1)];
  if (prefix !== undefined) {
    const problem = dns1123Subdomain(prefix);
    if (problem) return `prefix "${prefix}" ${problem}`;
  }
  if (name.length > 63) return `name part must be no more than 63 characters`;
  if (!QUALIFIED_NAME.test(name))
    return "name part must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit";
  return null;
}

/** Label values: empty, or up to 63 name characters. */
export function labelValue(value: string): string | null {
  if (value === '') return null;
  return tooLong(value, 63) ?? (QUALIFIED_NAME.test(value)
    ? null
    : "must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit");
}

/** ConfigMap and Secret keys: they become file names when mounted. */
export function configKey(value: string): string | null {
  if (value.length > 253) return `must be no more than 253 characters (is ${value.length})`;
  if (!CONFIG_KEY.test(value)) return "must consist of letters, digits, '-', '_' or '.'";
  if (value === '.' || value.startsWith('..')) return "must not be '.' or start with '..'";
  return null;
}

export function envVarName(value: string): string | null {
  return ENV_VAR_NAME.test(value)
    ? null
    : "must consist of letters, digits, '_', '-' or '.', and must not start with a digit";
}

/** A path inside a volume (subPath, items[].path): relative and never escaping upwards. */
export function relativePath(value: string): string | null {
  if (value.startsWith('/')) return 'must be a relative path';
  if (value.split('/').includes('..')) return "must not contain '..'";
  return null;
}

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** Resource quantities like `1Gi` or `500m`. */
export function quantity(value: string): string | null {
  return QUANTITY.test(value) ? null : 'must be a quantity such as "1Gi", "512Mi" or "2"';
}
