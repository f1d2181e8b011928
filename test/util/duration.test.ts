import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5', '5x', 's', '-1s', '1 s', '', '5sec', '1.s'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it('formats milliseconds back in the same notation', () => {
    for (const ms of [20, 1500, 5000, 90_000, 3_600_000, 3_723_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});
