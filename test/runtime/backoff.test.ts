import { describe, expect, it } from 'vitest';
import { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, BACKOFF_RESET_AFTER_MS, crashLoopDelayMs, timeScaleFromEnv } from '../../src/runtime/backoff.ts';

describe('crashLoopDelayMs', () => {
  it('follows the kubelet: 10s, doubling per crash, capped at 5 minutes', () => {
    const seconds = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => crashLoopDelayMs(n) / 1000);
    expect(seconds).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('does not wait before the first crash', () => {
    expect(crashLoopDelayMs(0)).toBe(0);
    expect(crashLoopDelayMs(-3)).toBe(0);
  });

  it('stays at the cap for very long crash loops (no overflow to Infinity or NaN)', () => {
    expect(crashLoopDelayMs(64)).toBe(300_000);
    expect(crashLoopDelayMs(5000)).toBe(300_000);
  });

  it('scales every wait by the time scale and rounds to whole milliseconds', () => {
    expect(crashLoopDelayMs(1, 0.01)).toBe(100);
    expect(crashLoopDelayMs(6, 0.01)).toBe(3000);
    expect(crashLoopDelayMs(1, 1 / 3)).toBe(3333);
    expect(Number.isInteger(crashLoopDelayMs(3, 0.123))).toBe(true);
    expect(crashLoopDelayMs(0, 0.5)).toBe(0);
  });

  it('uses the Kubernetes constants', () => {
    expect(BACKOFF_INITIAL_MS).toBe(10 * 1000);
    expect(BACKOFF_MAX_MS).toBe(5 * 60 * 1000);
    expect(BACKOFF_RESET_AFTER_MS).toBe(10 * 60 * 1000);
  });
});

describe('timeScaleFromEnv', () => {
  it('reads EMU_TIME_SCALE', () => {
    expect(timeScaleFromEnv({ EMU_TIME_SCALE: '0.05' })).toBe(0.05);
    expect(timeScaleFromEnv({ EMU_TIME_SCALE: '2' })).toBe(2);
  });

  it('falls back to real time for missing, zero, negative or garbage values', () => {
    for (const value of [undefined, '', '0', '-1', 'fast', 'Infinity', 'NaN']) {
      expect(timeScaleFromEnv(value === undefined ? {} : { EMU_TIME_SCALE: value }), String(value)).toBe(1);
    }
  });
});
