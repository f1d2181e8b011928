import { ManifestError, type SourceLocation } from '../errors.ts';
import { FIELDS, type FieldSet, type FieldSetName } from './fields.ts';
import type { Segment, SourceMap } from './locate.ts';
import type { ManifestWarning } from './types.ts';

/** What the fields of one object share: where they are written, where warnings go. */
export interface WalkContext {
  locator: SourceMap;
  warnings: ManifestWarning[];
}

type Json = Record<string, unknown>;

/**
 * One value inside a manifest, with its kubectl-style path
 * (`spec.template.spec.containers[0].image`). Typed getters return undefined
 * for absent or null values (as the API server treats null) and throw a
 * ManifestError at the value's location when the type is wrong.
 */
export class Field {
  private constructor(
    private readonly ctx: WalkContext,
    readonly value: unknown,
    readonly path: string,
    private readonly raw: readonly Segment[],
    private readonly parent?: Field,
  ) {}

  /** The root of an object; `raw` is its position in the document (non-empty for List items). */
  static root(ctx: WalkContext, value: unknown, raw: readonly Segment[] = []): Field {
    return new Field(ctx, value, '', raw);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** Where the value is written: for errors about the value. */
  get location(): SourceLocation {
    return this.ctx.locator.value(this.raw);
  }

  /** Where the field's key is written: for errors about the field being there at all. */
  get keyLocation(): SourceLocation {
    return this.ctx.locator.key(this.raw);
  }

  /** A named field of this object: `spec.replicas`. */
  field(name: string): Field {
    const value = isObject(this.value) && Object.hasOwn(this.value, name) ? this.value[name] : undefined;
    return new Field(this.ctx, value, this.path ? `${this.path}.${name}` : name, [...this.raw, name], this);
  }

  fail(problem: string, at: SourceLocation = this.location): never {
    throw new ManifestError('MANIFEST_INVALID', at, this.path, problem);
  }

  unsupported(problem: string, at: SourceLocation = this.location): never {
    throw new ManifestError('MANIFEST_UNSUPPORTED', at, this.path, problem);
  }

  warn(message: string): void {
    this.ctx.warnings.push({ location: this.keyLocation, fieldPath: this.path, message });
  }

  /** Fails when absent (at the enclosing object, where the field should have been) or empty. */
  required(hint?: string): this {
    const advice = hint ? `; ${hint}` : '';
    if (!this.present) this.fail(`required field is missing${advice}`, this.parent?.location ?? this.location);
    if (this.value === '') this.fail(`must not be empty${advice}`);
    return this;
  }

  str(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') this.wrongType('a string');
    return this.value;
  }

  int(): number | undefined {
    if (!this.present) return undefined;
    if (!Number.isInteger(this.value)) this.wrongType('an integer');
    return this.value as number;
  }

  bool(): boolean | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'boolean') this.wrongType('a boolean (true or false)');
    return this.value;
  }

  obj(): Json | undefined {
    if (!this.present) return undefined;
    if (!isObject(this.value)) this.wrongType('an object (a mapping of fields)');
    return this.value;
  }

  /** The items of an array field, [] when absent. */
  items(): Field[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.wrongType('an array (a YAML list)');
    return this.value.map((v, i) => new Field(this.ctx, v, `${this.path}[${i}]`, [...this.raw, i], this));
  }

  /** An array of strings, [] when absent. */
  strings(): string[] {
    return this.items().map((item) => item.str() ?? item.fail('must be a string, got null'));
  }

  /**
   * The entries of a map-typed field (labels, data), [] when absent:
   * `metadata.labels[app]`. All such maps hold strings, so null is rejected
   * rather than guessed at.
   */
  entries(): [string, Field][] {
    return Object.entries(this.obj() ?? {}).map(([k, v]) => {
      const entry = new Field(this.ctx, v, `${this.path}[${k}]`, [...this.raw, k], this);
      if (v === null) entry.fail('must be a string, got null; write "" for an empty value');
      return [k, entry];
    });
  }

  /** A string that must be one of `allowed`. */
  oneOf<T extends string>(allowed: readonly T[]): T | undefined {
    const value = this.str();
    if (value !== undefined && !allowed.includes(value as T))
      this.fail(`unsupported value ${quote(value)}: must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return value as T | undefined;
  }

  /** An integer ≥ min (and ≤ max when given). */
  intIn(min: number, max?: number): number | undefined {
    const value = this.int();
    if (value === undefined) return undefined;
    if (max === undefined && value < min) this.fail(`must be ${min} or greater, got ${value}`);
    if (max !== undefined && (value < min || value > max)) this.fail(`must be between ${min} and ${max}, got ${value}`);
    return value;
  }

  /** A string checked by one of the format functions in names.ts. */
  format(check: (value: string) => string | null): string | undefined {
    const value = this.str();
    const problem = value === undefined ? null : check(value);
    if (problem) this.fail(`invalid value ${quote(value!)}: ${problem}`);
    return value;
  }

  /**
   * Checks this object's keys against the field table: warns about known
   * fields emu ignores, rejects unsupported and unknown ones.
   */
  checkFields(type: FieldSetName): void {
    const set: FieldSet = FIELDS[type];
    for (const [key, value] of Object.entries(this.obj() ?? {})) {
      if (set.emulated.includes(key)) continue;
      const child = this.field(key);
      const keyAt = child.keyLocation;
      // Ignoring an empty or false value loses nothing (`resources: {}` from kubectl create --dry-run).
      if (set.ignored.includes(key)) {
        if (!isEmpty(value)) child.warn('not emulated by emu; ignored');
      } else if (set.unsupported?.includes(key)) {
        child.unsupported(`not supported by emu${set.unsupportedHint ? `; ${set.unsupportedHint}` : ''}`, keyAt);
      } else {
        const guess = closest(key, [...set.emulated, ...set.ignored, ...(set.unsupported ?? [])]);
        child.fail(
          `unknown field ${quote(key)} in ${type}; ${guess ? `did you mean "${guess}"?` : 'check the spelling and the indentation'}`,
          keyAt,
        );
      }
    }
  }

  private wrongType(expected: string): never {
    const quoteHint = typeof this.value === 'number' || typeof this.value === 'boolean';
    this.fail(
      `must be ${expected}, got ${describe(this.value)}` +
        (expected === 'a string' && quoteHint ? ` (quote it: ${quote(String(this.value))})` : ''),
    );
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** A user-supplied string in a message: quoted, escaped and shortened, so every error stays one line. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `string ${quote(value)}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The known field closest to a misspelt one, for "did you mean"; short words allow fewer edits. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
