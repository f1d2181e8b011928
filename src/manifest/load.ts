import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isCollection, LineCounter, parseAllDocuments, visit, type Document, type Tags } from 'yaml';
import { EmuError, ManifestError, type SourceLocation } from '../errors.ts';
import { applyDefaults } from './defaults.ts';
import { Field, quote } from './field.ts';
import { Locator, type Segment } from './locate.ts';
import type { KubeObject, LoadedManifest, ManifestWarning } from './types.ts';
import { validateObject } from './validate.ts';

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/**
 * Loads, validates and defaults every object in `paths`, like
 * `kubectl apply -f`: each path is a file, or a directory whose *.yaml, *.yml
 * and *.json files are read in name order (not recursively). Throws the first
 * ManifestError found; an empty result is left to the caller to judge.
 */
export async function loadManifests(paths: string[]): Promise<LoadedManifest[]> {
  const manifests: LoadedManifest[] = [];
  const seen: Seen = new Map();
  for (const file of await manifestFiles(paths)) manifests.push(...parseDocuments(await readFile(file, 'utf8'), file, seen));
  return manifests;
}

/** The same for one text; `fileName` only labels locations. */
export function parseManifestText(text: string, fileName: string): LoadedManifest[] {
  return parseDocuments(text, fileName, new Map());
}

/** `web.yaml:21:11: spec.template.spec.containers[0].resources: not emulated by emu; ignored` */
export function formatWarning({ location, fieldPath, message }: ManifestWarning): string {
  return `${location.file}:${location.line}:${location.col}: ${fieldPath}: ${message}`;
}

async function manifestFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw new EmuError('NOT_FOUND', `the path "${path}" does not exist`, { cause });
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && MANIFEST_FILE.test(e.name)).map((e) => e.name);
    files.push(...names.sort().map((name) => join(path, name)));
  }
  return files;
}

/**
 * YAML 1.1 like kubectl (so `defaultMode: 0644` is octal and `yes` a
 * boolean), minus sexagesimal numbers and timestamps, which kubectl's parser
 * leaves as strings.
 */
function kubectlTags(tags: Tags): Tags {
  return tags.filter(
    (tag) => typeof tag !== 'object' || !(tag.format === 'TIME' || tag.tag === 'tag:yaml.org,2002:timestamp'),
  );
}

/** Where each object (`StatefulSet "default/web"`) was first defined, to reject duplicates. */
type Seen = Map<string, SourceLocation>;

function parseDocuments(text: string, file: string, seen: Seen): LoadedManifest[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, version: '1.1', customTags: kubectlTags });
  const manifests: LoadedManifest[] = [];
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) {
      const [{ line, col }] = error.linePos ?? [{ line: 1, col: 1 }];
      // The parser's message repeats the position and quotes the source; keep the first clause.
      const problem = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestError('MANIFEST_INVALID', { file, line, col }, '', `YAML syntax error: ${problem}`, { cause: error });
    }
    const value = toJS(doc, file, lineCounter);
    if (value === null || value === undefined) continue; // empty document, e.g. after a trailing `---`
    manifests.push(...documentObjects(value, new Locator(file, lineCounter, doc.contents!), file, seen));
  }
  return manifests;
}

const MAX_ALIAS_COUNT = 100;

/** The document's value; an alias bomb ("billion laughs") is refused at the alias that starts the nesting. */
function toJS(doc: Document, file: string, lineCounter: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const aliases: { offset: number; nests: boolean }[] = [];
    visit(doc, {
      Alias(_, alias) {
        let nests = false;
        const target = alias.resolve(doc);
        if (isCollection(target)) visit(target, { Alias: () => ((nests = true), visit.BREAK) });
        aliases.push({ offset: alias.range?.[0] ?? 0, nests });
      },
    });
    const at = aliases.find((a) => a.nests) ?? aliases[0];
    const { line, col } = lineCounter.linePos(at?.offset ?? 0);
    throw new ManifestError('MANIFEST_INVALID', { file, line, col }, '', `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} per anchor; an alias bomb?): write the values out instead`, { cause: error });
  }
}

/** The objects in one document: itself, or the items of a `kind: List`. */
function documentObjects(value: unknown, locator: Locator, file: string, seen: Seen): LoadedManifest[] {
  if ((value as { kind?: unknown } | null)?.kind !== 'List') return [loadObject(value, [], locator, file, seen)];

  const listWarnings: ManifestWarning[] = [];
  const root = Field.root({ locator, warnings: listWarnings }, value);
  root.checkFields('List');
  const version = root.field('apiVersion');
  if (version.required('set apiVersion: v1').str() !== 'v1') version.fail(`List is served by apiVersion "v1", not ${quote(String(version.value))}`);
  const items = root.field('items').items().map((item, i) => loadObject(item.value, ['items', i], locator, file, seen));
  items[0]?.warnings.unshift(...listWarnings); // warnings about the List itself ride on its first item
  return items;
}

function loadObject(value: unknown, raw: Segment[], locator: Locator, file: string, seen: Seen): LoadedManifest {
  const warnings: ManifestWarning[] = [];
  const root = Field.root({ locator, warnings }, value, raw);
  validateObject(root);
  const object = applyDefaults(withoutNulls(value) as KubeObject);

  const id = `${object.kind} "${object.metadata.namespace}/${object.metadata.name}"`;
  const name = root.field('metadata').field('name');
  const first = seen.get(id);
  if (first) name.fail(`duplicate ${id}: already defined at ${first.file}:${first.line}:${first.col}; each object may appear once`);
  seen.set(id, name.location);
  return { object, source: root.location, file, warnings };
}

/** `field: null` means "unset" to the API server; drop such keys so typed readers see undefined. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
