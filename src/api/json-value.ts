/**
 * Plain JSON values as patches and applied configurations carry them, and the
 * few operations the patch and apply code shares on them.
 */

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Order a merged list as Kubernetes does (strategicpatch normalizeElementOrder):
 * items named in `order` come in that order, items only the server had keep
 * their server order, and the two runs interleave by server position.
 * `identity` gives an item's merge key (or the item itself for scalars).
 */
export function normalizeOrder(merged: unknown[], order: unknown[], server: unknown[], identity: (item: unknown) => unknown): unknown[] {
  const indexIn = (list: unknown[]) => {
    const ids = list.map((item) => JSON.stringify(identity(item)));
    return (item: unknown) => ids.indexOf(JSON.stringify(identity(item)));
  };
  const orderIndex = indexIn(order);
  const serverIndex = indexIn(server);
  const fromPatch = merged.filter((item) => orderIndex(item) >= 0).sort((a, b) => orderIndex(a) - orderIndex(b));
  const serverOnly = merged.filter((item) => orderIndex(item) < 0).sort((a, b) => serverIndex(a) - serverIndex(b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    else {
      const [left, right] = [serverIndex(serverOnly[i]), serverIndex(fromPatch[j])];
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : fromPatch[j++]);
    }
  }
  return out;
}
