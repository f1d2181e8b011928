import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FIELDS, type FieldSet, type FieldSetName } from '../../src/manifest/fields.ts';

/** The field names of every interface in a kubernetes-types declaration file. */
function interfaces(module: string): Map<string, string[]> {
  const file = createRequire(import.meta.url).resolve(`kubernetes-types/${module}.d.ts`);
  const result = new Map<string, string[]>();
  for (const [, name, body] of readFileSync(file, 'utf8').matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g))
    result.set(name, [...body.matchAll(/^ {4}(?:readonly )?(\w+)\??:/gm)].map((m) => m[1]));
  return result;
}

const API = new Map([...interfaces('core/v1'), ...interfaces('apps/v1'), ...interfaces('meta/v1'), ...interfaces('policy/v1')]);
/** Table entries that are a Kubernetes type under another name, or no type at all. */
const ALIASES: Partial<Record<FieldSetName, string>> = { PodTemplateMeta: 'ObjectMeta', ClaimTemplateMeta: 'ObjectMeta' };

describe('the field table', () => {
  it.each(Object.keys(FIELDS).filter((name) => name !== 'List') as FieldSetName[])(
    '%s lists exactly the fields of its Kubernetes 1.30 type',
    (name) => {
      const set: FieldSet = FIELDS[name];
      const listed = [...set.emulated, ...set.ignored, ...(set.unsupported ?? [])];
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.sort()).toEqual([...API.get(ALIASES[name] ?? name)!].sort());
    },
  );
});
