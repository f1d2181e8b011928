import { describe, expect, it } from 'vitest';
import { EmuError } from '../../src/errors.ts';
import { defaultMaxPods, maxPodsFromEnv, MEMORY_PER_POD, PIDS_PER_POD } from '../../src/scheduler/node-capacity.ts';

describe('node pod capacity', () => {
  it('is bounded by memory and by process ids, whichever runs out first', () => {
    expect(defaultMaxPods(24 * 2 ** 30, 4_194_304)).toBe(1228); // 24 GiB / 20 MiB
    expect(defaultMaxPods(64 * 2 ** 30, 32768)).toBe(1024); // pid_max / 32
    expect(defaultMaxPods(MEMORY_PER_POD / 2, PIDS_PER_POD / 2)).toBe(1); // a tiny machine still runs one pod
  });

  it('takes EMU_MAX_PODS when set, and refuses anything but a positive whole number', () => {
    expect(maxPodsFromEnv({ EMU_MAX_PODS: '7' })).toBe(7);
    expect(maxPodsFromEnv({})).toBeGreaterThan(0);
    for (const bad of ['0', '-3', '2.5', 'lots', ' 4']) {
      expect(() => maxPodsFromEnv({ EMU_MAX_PODS: bad })).toThrow(new EmuError('USAGE', `EMU_MAX_PODS must be a positive whole number of pods, got "${bad}"`));
    }
  });
});
