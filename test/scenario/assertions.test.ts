import { describe, expect, it } from 'vitest';
import { AssertionFailure, check } from '../../src/scenario/assertions.ts';

function failure(fn: () => unknown): AssertionFailure {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AssertionFailure);
    return e as AssertionFailure;
  }
  throw new Error('expected an AssertionFailure');
}

describe('AssertionFailure', () => {
  it('is an Error carrying the sentence, expected and actual', () => {
    const e = new AssertionFailure('replicas', 3, 2);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AssertionFailure');
    expect(e.message).toBe('replicas');
    expect([e.expected, e.actual]).toEqual([3, 2]);
  });
});

describe('check.equal', () => {
  it('passes on deep equality', () => {
    expect(() => check.equal({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }, 'same')).not.toThrow();
    expect(() => check.equal('web-0', 'web-0', 'same')).not.toThrow();
  });

  it('fails on any difference, strictly (no type coercion)', () => {
    const e = failure(() => check.equal<unknown>(1, '1', 'the count'));
    expect(e.message).toBe('the count');
    failure(() => check.equal({ a: 1 }, { a: 1, b: undefined } as { a: number }, 'extra key'));
    failure(() => check.equal([1, 2], [2, 1], 'order matters'));
  });

  it('shows strings as they are and other values inspected', () => {
    const e = failure(() => check.equal<unknown>({ ready: 1 }, 'all ready', 'pods'));
    expect(e.expected).toBe('all ready');
    expect(String(e.actual)).toContain('ready: 1');
    const n = failure(() => check.equal(['a', 'b'], ['a'], 'names'));
    expect(String(n.expected)).toContain("'a'");
    expect(String(n.actual)).toContain("'b'");
  });
});

describe('check.ok', () => {
  it('passes on truthy values', () => {
    for (const v of [true, 1, 'x', {}, []]) expect(() => check.ok(v, 'truthy')).not.toThrow();
  });

  it('fails on falsy values, reporting expected true and the value or the given actual', () => {
    for (const v of [false, 0, '', null, undefined, NaN]) failure(() => check.ok(v, 'falsy'));
    const plain = failure(() => check.ok(false, 'web-0 ready'));
    expect(plain.message).toBe('web-0 ready');
    expect(plain.expected).toBe('true');
    expect(plain.actual).toBe('false');
    const described = failure(() => check.ok(false, 'web-0 ready', 'phase Pending'));
    expect(described.actual).toBe('phase Pending');
  });
});

describe('check.notEqual', () => {
  it('fails only when the values are deeply equal', () => {
    expect(() => check.notEqual('10.0.0.2', '10.0.0.3', 'new IP')).not.toThrow();
    const e = failure(() => check.notEqual({ ip: '10.0.0.2' }, { ip: '10.0.0.2' }, 'new IP'));
    expect(e.message).toBe('new IP');
    expect(String(e.expected)).toContain('anything but');
    expect(String(e.expected)).toContain('10.0.0.2');
  });
});

describe('check.rejects', () => {
  it('returns the rejection for further checks', async () => {
    const error = new Error('connection refused');
    await expect(check.rejects(Promise.reject(error), 'write fails')).resolves.toBe(error);
  });

  it('fails when the promise resolves, showing the value', async () => {
    const e = await check.rejects(Promise.resolve({ rows: 3 }), 'read fails').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AssertionFailure);
    expect((e as AssertionFailure).message).toBe('read fails');
    expect((e as AssertionFailure).expected).toBe('an error');
    expect(String((e as AssertionFailure).actual)).toContain('rows: 3');
  });

  // BUG: the catch block tells its own "did not reject" failure apart by `instanceof
  // AssertionFailure`, so a promise that rejects *with* an AssertionFailure (e.g. a helper
  // built on check.*) is rethrown instead of returned, contrary to "The promise must reject;
  // returns the error".
  it('returns a rejection even when it is itself an AssertionFailure', async () => {
    const inner = new AssertionFailure('inner check', 1, 2);
    await expect(check.rejects(Promise.reject(inner), 'outer')).resolves.toBe(inner);
  });
});
