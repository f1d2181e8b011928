import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1.d.ts';
import { badRequest } from './status.ts';
import { isQualifiedName, isValidLabelValue } from './name-validation.ts';

/**
 * Label and field selectors as the API server reads them from `?labelSelector=`
 * and `?fieldSelector=` (apimachinery's pkg/labels and pkg/fields), and as
 * objects carry them (`spec.selector` with matchLabels/matchExpressions).
 * Parse errors are 400 BadRequest with Kubernetes' own wording.
 */

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted, without duplicates (a Go string set). */
  values: string[];
}

/** A conjunction of requirements; `nothing` selects no object at all (a null selector). */
export interface LabelSelector {
  requirements: LabelRequirement[];
  nothing?: boolean;
}

export type Labels = Record<string, string> | undefined;

const BINARY_OPERATORS: LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

// ---- the label selector lexer and parser (pkg/labels/selector.go) ----

type Token = 'end' | 'error' | ')' | ',' | '!' | '==' | '=' | '>' | '<' | '!=' | '(' | 'id' | 'in' | 'notin';
interface Scanned {
  token: Token;
  literal: string;
}

const SYMBOL_TOKENS: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', '<': '<', '!=': '!=', '(': '(' };
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch);

function lex(input: string): Scanned[] {
  const items: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos])) pos++;
    if (pos >= input.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    if (isSpecial(input[pos])) {
      // Longest run of symbols that is still a token ("!=" before "!").
      let buffer = '';
      let last: Scanned | undefined;
      while (pos < input.length && isSpecial(input[pos])) {
        buffer += input[pos];
        if (SYMBOL_TOKENS[buffer]) {
          last = { token: SYMBOL_TOKENS[buffer], literal: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = '';
    while (pos < input.length && !isSpecial(input[pos]) && !isWhitespace(input[pos])) word += input[pos++];
    items.push({ token: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', literal: word });
  }
}

class LabelParser {
  private position = 0;
  constructor(private readonly items: Scanned[]) {}

  /** In value context the words `in` and `notin` are plain identifiers. */
  private peek(values = true): Scanned {
    const item = this.items[this.position];
    return values && (item.token === 'in' || item.token === 'notin') ? { token: 'id', literal: item.literal } : item;
  }

  private next(values = true): Scanned {
    const item = this.peek(values);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.peek();
      if (token === 'end') return requirements;
      if (token !== 'id' && token !== '!') throw new Error(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.requirement());
      } catch (error) {
        throw new Error(`unable to parse requirement: ${(error as Error).message}`);
      }
      const after = this.next();
      if (after.token === 'end') return requirements;
      if (after.token !== ',') throw new Error(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.token !== 'id' && following.token !== '!') throw new Error(`found '${following.literal}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let item = this.next();
    let operator: LabelOperator | undefined;
    if (item.token === '!') {
      operator = '!';
      item = this.next();
    }
    if (item.token !== 'id') throw new Error(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrors = isQualifiedName(key);
    if (keyErrors.length) throw new Error(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
    const lookahead = this.peek().token;
    if (operator === '!' || lookahead === 'end' || lookahead === ',') return newRequirement(key, operator ?? 'exists', []);
    operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, operator, values);
  }

  private operator(): LabelOperator {
    const { token, literal } = this.next(false);
    const operators: Partial<Record<Token, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const operator = operators[token];
    if (!operator) throw new Error(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return operator;
  }

  private setValues(): string[] {
    const open = this.next();
    if (open.token !== '(') throw new Error(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.peek();
    if (token === ')') {
      this.next();
      return [''];
    }
    if (token !== 'id' && token !== ',') throw new Error(`found '${literal}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    if (this.next().token !== ')') throw new Error(`found '${literal}', expected: ')'`);
    return values;
  }

  private identifierList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.next();
      if (token === 'id') {
        values.add(literal);
        const after = this.peek();
        if (after.token === ',') continue;
        if (after.token === ')') return [...values];
        throw new Error(`found '${after.literal}', expected: ',' or ')'`);
      }
      if (token !== ',') throw new Error(`found '${literal}', expected: ',', or identifier`);
      // "(," ",," and ",)" each stand for the empty value.
      if (values.size === 0) values.add('');
      const after = this.peek().token;
      if (after === ')') {
        values.add('');
        return [...values];
      }
      if (after === ',') values.add('');
    }
  }

  private exactValue(): string[] {
    const lookahead = this.peek().token;
    if (lookahead === 'end' || lookahead === ',') return [''];
    const { token, literal } = this.next();
    if (token === 'id') return [literal];
    throw new Error(`found '${literal}', expected: identifier`);
  }
}

/** labels.NewRequirement: checks the values for the operator, sorts them. */
function newRequirement(key: string, operator: LabelOperator, values: string[], path = ''): LabelRequirement {
  const errors: string[] = [];
  const valuesPath = path ? `${path}.values` : 'values';
  const shown = JSON.stringify(values);
  if ((operator === 'in' || operator === 'notin') && values.length === 0) errors.push(`${valuesPath}: Invalid value: ${shown}: for 'in', 'notin' operators, values set can't be empty`);
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) errors.push(`${valuesPath}: Invalid value: ${shown}: exact-match compatibility requires one single value`);
  if ((operator === 'exists' || operator === '!') && values.length !== 0) errors.push(`${valuesPath}: Invalid value: ${shown}: values set must be empty for exists and does not exist`);
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errors.push(`${valuesPath}: Invalid value: ${shown}: for 'Gt', 'Lt' operators, exactly one value is required`);
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v)) errors.push(`${valuesPath}[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const problems = isValidLabelValue(v);
    if (problems.length) errors.push(`${valuesPath}[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${problems.join('; ')}`);
  });
  if (errors.length) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return { key, operator, values: [...new Set(values)].sort() };
}

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Parse `?labelSelector=`: `app=web,tier in (a,b),!canary,env!=prod`. */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return { requirements: new LabelParser(lex(text)).parse().sort(byKey) };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: null selects nothing, `{}` selects everything,
 * matchLabels are equalities, matchExpressions use In/NotIn/Exists/DoesNotExist.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (!selector) return { requirements: [], nothing: true };
  try {
    const requirements = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => newRequirement(key, '=', [value]));
    for (const expression of selector.matchExpressions ?? []) {
      const operator = EXPRESSION_OPERATORS[expression.operator];
      if (!operator) throw new Error(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
      const keyErrors = isQualifiedName(expression.key);
      if (keyErrors.length) throw new Error(`key: Invalid value: ${JSON.stringify(expression.key)}: ${keyErrors.join('; ')}`);
      requirements.push(newRequirement(expression.key, operator, expression.values ?? []));
    }
    return { requirements: requirements.sort(byKey) };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

/** A selector for exactly these labels (as a Service or a set's matchLabels). */
export function labelSelectorFromSet(labels: Record<string, string>): LabelSelector {
  return labelSelectorFromObject({ matchLabels: labels });
}

export const EVERYTHING: LabelSelector = { requirements: [] };

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value)) return false;
      const [have, want] = [BigInt(value), BigInt(r.values[0])];
      return r.operator === 'gt' ? have > want : have < want;
    }
  }
}

export function matchLabels(selector: LabelSelector, labels: Labels): boolean {
  if (selector.nothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/** The canonical string form, as Kubernetes prints a selector (`app=web,tier in (a,b)`). */
export function labelSelectorString(selector: LabelSelector): string {
  return selector.requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'exists':
          return key;
        case '!':
          return `!${key}`;
        case 'in':
        case 'notin':
          return `${key} ${operator} (${values.join(',')})`;
        case 'gt':
          return `${key}>${values[0]}`;
        case 'lt':
          return `${key}<${values[0]}`;
        default:
          return `${key}${operator}${values[0]}`;
      }
    })
    .join(',');
}

// ---- field selectors (pkg/fields/selector.go) ----

export interface FieldRequirement {
  /** A dotted path into the object: `metadata.name`, `involvedObject.uid`. */
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Split on commas that are not escaped with a backslash. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms;
}

function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === undefined || !'\\,='.includes(next)) throw new Error(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v: its code point.
      throw new Error(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  return out;
}

/** Parse `?fieldSelector=`: `metadata.name=web-0,status.phase!=Running`. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const parsed = splitTerm(term);
    if (!parsed) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    try {
      requirements.push({ ...parsed, value: unescapeValue(parsed.value) });
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  }
  return { requirements };
}

/** What the API server's field sets hold for a field the object leaves out (Go zero values). */
const MISSING_VALUES: Record<string, string> = { 'spec.hostNetwork': 'false', 'spec.unschedulable': 'false', 'status.replicas': '0' };

/** An Event's `source` field label stands for its source.component. */
function fieldPath(object: unknown, path: string): string {
  const kind = (object as { kind?: unknown } | null)?.kind;
  return kind === 'Event' && path === 'source' ? 'source.component' : path;
}

/** The string a field selector compares: scalars as Kubernetes prints them, missing as "". */
export function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of fieldPath(object, path).split('.')) {
    if (current === null || typeof current !== 'object') return MISSING_VALUES[path] ?? '';
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null || typeof current === 'object') return MISSING_VALUES[path] ?? '';
  return String(current);
}

export function matchFields(selector: FieldSelector, object: unknown): boolean {
  return selector.requirements.every(({ field, operator, value }) => (fieldValue(object, field) === value) === (operator !== '!='));
}

/** The value a selector pins a field to (`metadata.name=x`), as `kubectl get pod x -w` sends. */
export function exactFieldMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
}

/**
 * Field labels each resource supports, as the API server registers them
 * (pkg/registry/…/strategy.go): anything else is refused with
 * `field label not supported: X`.
 */
const SUPPORTED_FIELDS: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  secrets: ['type'],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  replicasets: ['status.replicas'],
  replicationcontrollers: ['status.replicas'],
};

/** Refuse field labels the resource does not support, with Kubernetes' message. */
export function checkFieldSelector(selector: FieldSelector, resource: string): void {
  const supported = SUPPORTED_FIELDS[resource] ?? [];
  for (const { field } of selector.requirements) {
    if (field === 'metadata.name' || field === 'metadata.namespace' || supported.includes(field)) continue;
    throw badRequest(`field label not supported: ${field}`);
  }
}
