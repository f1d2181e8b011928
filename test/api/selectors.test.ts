import { describe, expect, it } from 'vitest';
import { catchApiError } from '../helpers/api-error.ts';
import {
  checkFieldSelector,
  exactFieldMatch,
  fieldValue,
  labelSelectorFromObject,
  labelSelectorString,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/api/selectors.ts';

function parseError(parse: () => unknown): { code: number; message: string } {
  const { code, message } = catchApiError(parse);
  return { code, message };
}

const web0 = { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' };
const db = { app: 'db', tier: 'backend' };

describe('label selectors (string form)', () => {
  it.each([
    ['app=web', web0, true],
    ['app==web', db, false],
    ['app!=web', db, true],
    ['app!=web', {}, true],
    ['app in (web,db)', db, true],
    ['app notin (web,db)', db, false],
    ['app notin (web)', {}, true],
    ['tier', db, true],
    ['tier', web0, false],
    ['!tier', web0, true],
    ['!tier', db, false],
    ['app=web,statefulset.kubernetes.io/pod-name=web-0', web0, true],
    ['app=web,statefulset.kubernetes.io/pod-name=web-1', web0, false],
    ['apps.kubernetes.io/pod-index>0', web0, false],
    ['apps.kubernetes.io/pod-index<1', web0, true],
    ['app=', {}, false],
    ['app=', { app: '' }, true],
    ['', db, true],
    ['  app  in  ( web , db ) , ! tier ', web0, true],
  ])('%s on %j → %s', (text, labels, expected) => {
    expect(matchLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('treats in/notin as values inside parentheses and sorts requirements by key', () => {
    const selector = parseLabelSelector('z in (in,notin),a');
    expect(selector.requirements).toEqual([
      { key: 'a', operator: 'exists', values: [] },
      { key: 'z', operator: 'in', values: ['in', 'notin'] },
    ]);
    expect(labelSelectorString(selector)).toBe('a,z in (in,notin)');
  });

  it.each([
    ['app in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app in a', "unable to parse requirement: found 'a' expected: '('"],
    ['app=web,', "found '', expected: identifier after ','"],
    ['app=web x', "found 'x', expected: ',' or 'end of string'"],
    [',app', "found ',', expected: !, identifier, or 'end of string'"],
    ['app=(', "unable to parse requirement: found '(', expected: identifier"],
    ['app=a=b', "found '=', expected: ',' or 'end of string'"],
    ['app in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    [
      'app=a@b',
      'unable to parse requirement: values[0][app]: Invalid value: "a@b": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
    ],
    [
      '-app=x',
      'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    ],
  ])('refuses %j with Kubernetes\' message', (text, message) => {
    expect(parseError(() => parseLabelSelector(text))).toEqual({ code: 400, message });
  });
});

describe('label selectors (object form)', () => {
  it('combines matchLabels and matchExpressions', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['cache'] },
        { key: 'statefulset.kubernetes.io/pod-name', operator: 'Exists' },
      ],
    });
    expect(matchLabels(selector, web0)).toBe(true);
    expect(matchLabels(selector, { ...web0, tier: 'cache' })).toBe(false);
    expect(matchLabels(selector, { app: 'web' })).toBe(false);
  });

  it('selects everything with {} and nothing with null', () => {
    expect(matchLabels(labelSelectorFromObject({}), db)).toBe(true);
    expect(matchLabels(labelSelectorFromObject(null), db)).toBe(false);
  });

  it('refuses unknown operators and empty In sets', () => {
    expect(parseError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).message).toBe('"Near" is not a valid label selector operator');
    expect(parseError(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).message).toBe(
      "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    );
  });
});

describe('field selectors', () => {
  const pod = { kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { nodeName: 'emu' }, status: { phase: 'Running' } };
  const event = { kind: 'Event', involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: 'u-1' }, source: { component: 'kubelet' }, type: 'Normal' };

  it('matches dotted paths with =, == and !=', () => {
    expect(matchFields(parseFieldSelector('metadata.name=web-0,metadata.namespace!=kube-system'), pod)).toBe(true);
    expect(matchFields(parseFieldSelector('status.phase==Pending'), pod)).toBe(false);
    expect(matchFields(parseFieldSelector('spec.nodeName=emu'), pod)).toBe(true);
    expect(matchFields(parseFieldSelector('involvedObject.name=web-0,involvedObject.namespace=default,involvedObject.uid=u-1'), event)).toBe(true);
    expect(matchFields(parseFieldSelector('involvedObject.uid=u-2'), event)).toBe(false);
    expect(matchFields(parseFieldSelector('source=kubelet'), event)).toBe(true);
    expect(matchFields(parseFieldSelector(''), pod)).toBe(true);
  });

  it('compares missing fields as Go zero values', () => {
    expect(fieldValue(pod, 'status.podIP')).toBe('');
    expect(fieldValue(pod, 'spec.hostNetwork')).toBe('false');
    expect(matchFields(parseFieldSelector('status.podIP='), pod)).toBe(true);
  });

  it('unescapes \\, \\= and \\\\ in values', () => {
    const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    expect(selector.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
  });

  it('finds the name kubectl pins with get NAME -w', () => {
    expect(exactFieldMatch(parseFieldSelector('metadata.name=web-0'), 'metadata.name')).toBe('web-0');
    expect(exactFieldMatch(parseFieldSelector('metadata.name!=web-0'), 'metadata.name')).toBeUndefined();
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('refuses %j', (text, message) => {
    expect(parseError(() => parseFieldSelector(text))).toEqual({ code: 400, message });
  });

  it('refuses field labels the resource does not support', () => {
    expect(() => checkFieldSelector(parseFieldSelector('status.phase=Running,metadata.name=x'), 'pods')).not.toThrow();
    expect(parseError(() => checkFieldSelector(parseFieldSelector('status.phase=Running'), 'statefulsets')).message).toBe('field label not supported: status.phase');
  });
});
