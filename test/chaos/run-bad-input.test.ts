// emu run with a chaos schedule that cannot run: one line, exit 1, nothing started.
import { afterAll, describe, expect, it } from 'vitest';
import { emu, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('chaos-bad-input');
const fixture = `${ROOT}test/chaos/fixtures/bad-chaos.ts`;

describe('emu run with a bad chaos schedule', () => {
  afterAll(() => t.cleanup());

  it.each([
    ['unknown-fault', /^error: chaos: faults\[0\]: unknown fault "pod-explode" \(pod-delete, pod-kill/],
    ['no-such-pod', /^error: chaos: targets match no pod: mysql-7 is not among the scenario's pods \(mysql-0, mysql-1, mysql-2\)$/],
    ['too-long', /^error: chaos: interval: 20s is longer than the run \(duration 10s\): not one fault fits$/],
  ])('%s: one clear line, exit 1, nothing left running', async (variant, message) => {
    const result = await emu(['run', fixture], { ...t.env, CHAOS_FIXTURE: variant });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.exitCode).toBe(1);
    expect(processesOf(t.home)).toEqual([]);
  });

  it('--seed must be a seed', async () => {
    const result = await emu(['run', fixture, '--seed', 'abc', '--plan'], { ...t.env, CHAOS_FIXTURE: 'too-long' });
    expect(result.stderr.trim()).toBe('error: --seed must be a whole number from 0 to 4294967295, got "abc"');
    expect(result.exitCode).toBe(1);
  });

  it('--plan prints the same schedule for the same seed and starts nothing', async () => {
    const file = `${ROOT}scenarios/mysql-chaos.ts`;
    const [a, b, c] = await Promise.all([emu(['run', file, '--seed', '7', '--plan'], t.env), emu(['run', file, '--seed', '7', '--plan'], t.env), emu(['run', file, '--seed', '8', '--plan'], t.env)]);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const schedule = JSON.parse(a.stdout);
    expect(schedule.seed).toBe(7);
    expect(schedule.faults.length).toBeGreaterThanOrEqual(30);
    expect(processesOf(t.home)).toEqual([]);
  });
});
