import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { plan, scheduleJson, type ChaosSpec } from '../../src/chaos/plan.ts';

const pods = [{ name: 'mysql-0', primary: true }, 'mysql-1', 'mysql-2', 'mysql-3', 'mysql-4'];
const spec: ChaosSpec = {
  pods,
  faults: ['pod-delete', 'pod-kill', 'container-kill', 'pause', 'partition', 'netem', 'netem:loss', 'netem:bandwidth'],
  targets: ['one', 'minority', 'majority', 'primaries', 'all', 'random-halves', 'majorities-ring'],
  interval: '5s',
  duration: '10m',
};
const names = pods.map((p) => (typeof p === 'string' ? p : p.name));

describe('plan', () => {
  it('gives byte-identical JSON for the same seed and spec, in this process and in another', async () => {
    const here = scheduleJson(plan(7, spec));
    expect(scheduleJson(plan(7, spec))).toBe(here);
    const there = await execa(process.execPath, ['--import', 'tsx', new URL('./fixtures/print-plan.ts', import.meta.url).pathname, '7', JSON.stringify(spec)]);
    expect(there.stdout + '\n').toBe(here);
    expect(JSON.parse(here).faults).toHaveLength(120);
  });

  it('gives different schedules for different seeds', () => {
    const seen = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(plan(seed, spec).faults)));
    expect(seen.size).toBe(5);
  });

  it('puts one fault in each interval, ending within it and within the run', () => {
    const s = plan(3, { ...spec, interval: '4s', faultDuration: '1500ms', duration: '1m' });
    expect(s.duration).toBe(60_000);
    expect(s.faults).toHaveLength(15);
    s.faults.forEach((f, k) => {
      expect(f.start).toBeGreaterThanOrEqual(k * 4000);
      expect(f.start + 1500).toBeLessThanOrEqual((k + 1) * 4000);
      expect(f.duration).toBe(['pause', 'partition', 'netem'].includes(f.fault) ? 1500 : 0);
    });
  });

  it('draws every fault and every target mode that fits it, over a long run', () => {
    const s = plan(11, spec);
    expect(new Set(s.faults.map((f) => f.fault))).toEqual(new Set(['pod-delete', 'pod-kill', 'container-kill', 'pause', 'partition', 'netem']));
    const sizes = new Set(s.faults.filter((f) => f.fault === 'pod-kill').map((f) => f.targets.length));
    expect(sizes).toEqual(new Set([1, 2, 3, 5])); // one or primaries, minority, majority, all
    expect(new Set(s.faults.filter((f) => f.fault === 'netem').map((f) => f.params.netem))).toEqual(new Set(['delay', 'loss', 'bandwidth']));
  });

  it('chooses targets by mode: concrete pod names in ordinal order', () => {
    const only = (mode: string, fault = 'pod-kill') => plan(5, { ...spec, faults: [fault], targets: [mode], duration: '1m' }).faults;
    for (const f of only('one')) expect(f.targets).toHaveLength(1);
    for (const f of only('minority')) expect(f.targets).toHaveLength(2);
    for (const f of only('majority')) expect(f.targets).toHaveLength(3);
    for (const f of only('primaries')) expect(f.targets).toEqual(['mysql-0']);
    // Marked, so that a run that knows the current primaries can aim them there instead.
    expect(new Set(only('primaries').map((f) => f.mode))).toEqual(new Set(['primaries']));
    expect(only('one').some((f) => 'mode' in f)).toBe(false);
    for (const f of only('all')) expect(f.targets).toEqual(names);
    for (const f of only('majority')) expect(f.targets).toEqual([...f.targets].sort((a, b) => names.indexOf(a) - names.indexOf(b)));
    expect(new Set(only('one').map((f) => f.targets[0])).size).toBeGreaterThan(1);
  });

  it('cuts partitions: isolated side from the rest, random halves, and a majorities ring where every pod still sees a majority', () => {
    const cutsOf = (mode: string) => plan(9, { ...spec, faults: ['partition'], targets: [mode], duration: '1m' }).faults;
    for (const f of cutsOf('one')) {
      const cuts = f.params.cuts as string[][];
      expect(cuts).toHaveLength(4);
      expect(cuts.every((c) => c.includes(f.targets[0]))).toBe(true);
    }
    for (const f of cutsOf('random-halves')) {
      expect(f.targets).toHaveLength(2);
      expect(f.params.cuts).toHaveLength(6); // 2 × 3 links across
    }
    for (const f of cutsOf('all')) expect(f.params.cuts).toHaveLength(10);
    for (const f of cutsOf('majorities-ring')) {
      const cuts = f.params.cuts as string[][];
      expect(cuts).toHaveLength(5);
      for (const pod of names) {
        const lost = cuts.filter((c) => c.includes(pod)).length;
        expect(5 - lost, pod).toBeGreaterThanOrEqual(3); // itself and 2 neighbours: a majority of 5
      }
      // links listed lower ordinal first, in order
      expect(cuts).toEqual([...cuts].sort((a, b) => names.indexOf(a[0]) - names.indexOf(b[0]) || names.indexOf(a[1]) - names.indexOf(b[1])));
    }
  });

  it("fills netem and fault parameters from Jepsen's defaults, with overrides", () => {
    const netem = (entry: ChaosSpec['faults'][number]) => plan(1, { ...spec, faults: [entry], targets: ['one'], duration: '5s' }).faults[0].params;
    expect(netem('netem')).toEqual({ netem: 'delay', delayMs: 50, jitterMs: 10, correlation: 25 });
    expect(netem('netem:reorder')).toEqual({ netem: 'reorder', percent: 20, correlation: 75, delayMs: 50, jitterMs: 10 });
    expect(netem({ fault: 'netem', params: { netem: 'loss', percent: 50 } })).toEqual({ netem: 'loss', percent: 50, correlation: 75 });
    expect(netem({ fault: 'pod-delete', params: { gracePeriodSeconds: 0 } })).toEqual({ gracePeriodSeconds: 0 });
  });

  it.each([
    ['an unknown fault', { faults: ['pod-kil'] }, /^chaos: faults\[0\]: unknown fault "pod-kil" \(pod-delete, pod-kill, container-kill, pause, partition, netem, or netem:delay\|loss\|duplicate\|corrupt\|reorder\|bandwidth\)$/],
    ['an unknown netem behaviour', { faults: ['netem:jam'] }, /^chaos: faults\[0\]: unknown netem behaviour "jam"/],
    ['an unknown target mode', { targets: ['half'] }, /^chaos: targets\[0\]: unknown target mode "half" \(one, minority/],
    ['primaries when no pod is primary', { pods: ['a', 'b', 'c'], faults: ['pod-kill'], targets: ['primaries'] }, /^chaos: faults\[0\]: no target mode fits pod-kill: primaries matches no pod: no pod is marked primary$/],
    ['a minority of two pods', { pods: ['a', 'b'], faults: ['pod-kill'], targets: ['one', 'minority'] }, /^chaos: targets\[1\]: minority of 2 pods is no pod$/],
    ['a ring of three', { pods: ['a', 'b', 'c'], faults: ['partition'], targets: ['majorities-ring'] }, /majorities-ring needs at least 4 pods/],
    ['halves for a kill', { faults: ['pod-kill'], targets: ['random-halves'] }, /^chaos: faults\[0\]: no target mode fits pod-kill: random-halves splits pods into sides, which only a partition can use$/],
    ['a partition of one pod', { pods: ['a'], faults: ['partition'] }, /a partition by one needs pods on both sides \(1 pod\)/],
    ['no pods', { pods: [] }, /^chaos: pods: no pods to target/],
    ['a pod twice', { pods: ['a', 'a'] }, /^chaos: pods\[1\]: pod "a" is listed twice$/],
    ['a schedule longer than the run', { interval: '5m', duration: '2m' }, /^chaos: interval: 5m is longer than the run \(duration 2m\): not one fault fits$/],
    ['faults longer than their interval', { interval: '5s', faultDuration: '6s' }, /^chaos: faultDuration: 6s is longer than the interval \(5s\)/],
    ['a duration without unit', { duration: '120' }, /^chaos: duration: bad duration "120": use a number and a unit, like 500ms, 5s, 2m or 1h$/],
    ['a number for a duration', { interval: 5 }, /^chaos: interval: bad duration 5:/],
    ['a zero interval', { interval: '0s' }, /^chaos: interval: must be longer than 0$/],
    ['an unknown parameter', { faults: [{ fault: 'pod-kill', params: { signal: 9 } }] }, /^chaos: faults\[0\]\.params\.signal: pod-kill takes no parameters$/],
    ['a bad netem percentage', { faults: [{ fault: 'netem:loss', params: { percent: 150 } }] }, /^chaos: faults\[0\]\.params\.percent: must be a percentage from 0 to 100, got 150$/],
  ])('refuses %s with one located line', (_what, change, message) => {
    expect(() => plan(1, { ...spec, ...(change as Partial<ChaosSpec>) })).toThrow(message);
  });

  it('refuses a seed that is not a whole number from 0 to 2^32 − 1', () => {
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) expect(() => plan(seed, spec)).toThrow(/^chaos: seed: must be a whole number from 0 to 4294967295/);
    expect(plan(2 ** 32 - 1, spec).seed).toBe(4294967295);
  });
});
