import { isDeepStrictEqual, inspect } from 'node:util';

/** A failed expectation: the report shows what was expected and what happened. */
export class AssertionFailure extends Error {
  constructor(
    message: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(message);
    this.name = 'AssertionFailure';
  }
}

const show = (v: unknown) => (typeof v === 'string' ? v : inspect(v, { depth: 4, breakLength: 120 }));

/** The few checks a scenario needs, each with a sentence for the report. */
export const check = {
  equal<T>(actual: T, expected: T, what: string): void {
    if (!isDeepStrictEqual(actual, expected)) throw new AssertionFailure(what, show(expected), show(actual));
  },
  ok(condition: unknown, what: string, actual?: unknown): void {
    if (!condition) throw new AssertionFailure(what, 'true', actual === undefined ? show(condition) : show(actual));
  },
  notEqual<T>(actual: T, unexpected: T, what: string): void {
    if (isDeepStrictEqual(actual, unexpected)) throw new AssertionFailure(what, `anything but ${show(unexpected)}`, show(actual));
  },
  /** The promise must reject; returns the error for further checks. */
  async rejects(promise: Promise<unknown>, what: string): Promise<Error> {
    const outcome = await promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('error' in outcome) return outcome.error as Error;
    throw new AssertionFailure(what, 'an error', show(outcome.value));
  },
};
