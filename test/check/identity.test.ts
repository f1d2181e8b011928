import { describe, expect, it } from 'vitest';
import { checkIdentity, type Incarnation } from '../../src/check/identity.ts';

const inc = (identity: string, uid: string, start: number, end: number | null): Incarnation => ({ identity, uid, start, end });

describe('identity', () => {
  it('is valid when each identity has one live incarnation at a time (back to back is fine)', () => {
    const r = checkIdentity([inc('default/web-0', 'a', 0, 10), inc('default/web-0', 'b', 10, 20), inc('default/web-0', 'c', 25, null), inc('default/web-1', 'd', 5, null)]);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ identities: 2, incarnations: 4, overlaps: [] });
  });

  it('catches a new incarnation started before the old one was gone, naming both', () => {
    const r = checkIdentity([inc('default/mysql-0', 'old', 0, 15), inc('default/mysql-0', 'new', 12, null), inc('default/mysql-1', 'x', 0, null)]);
    expect(r.verdict).toBe('invalid');
    expect(r.details.overlaps.map((o) => [o.first.uid, o.second.uid])).toEqual([['old', 'new']]);
    expect(r.problems).toEqual(['two live incarnations at once: default/mysql-0', 'default/mysql-0: uid old [0, 15) and uid new [12, still running) were alive at the same time']);
  });

  it('finds an overlap hidden behind a short incarnation, and one with an incarnation still running', () => {
    const hidden = checkIdentity([inc('p', 'long', 0, 100), inc('p', 'short', 100, 101), inc('p', 'x', 50, 60)]);
    expect(hidden.details.overlaps.map((o) => [o.first.uid, o.second.uid])).toEqual([['long', 'x']]);
    const running = checkIdentity([inc('p', 'a', 0, null), inc('p', 'b', 1000, 2000)]);
    expect(running.verdict).toBe('invalid');
  });

  it('refuses malformed input with one line, and is unknown with nothing recorded', () => {
    expect(() => checkIdentity([inc('p', 'a', 10, 5)])).toThrow(/^incarnation 0 \(p, uid a\): end 5 must be null or not before start 10$/);
    expect(() => checkIdentity([inc('p', 'a', 0, 1), inc('q', 'a', 2, 3)])).toThrow(/uid a appears twice/);
    expect(checkIdentity([]).verdict).toBe('unknown');
  });
});
