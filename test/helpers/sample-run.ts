import { plan } from '../../src/chaos/plan.ts';
import { LASTING } from '../../src/chaos/faults.ts';
import { SeededRandom } from '../../src/chaos/random.ts';
import type { Incarnation } from '../../src/check/identity.ts';
import { InThreadRunner } from '../../src/check/pool.ts';
import { CheckRunner } from '../../src/check/runner.ts';
import { HistoryRecorder } from '../../src/history/recorder.ts';
import type { RunRecord } from '../../src/report/run-record.ts';

/**
 * A whole run for report tests, in simulated time: four clients add to a set and
 * read it through the real recorder while a nemesis applies a real schedule from
 * plan(); killed pods get new incarnations. Timers resolve in time order on a
 * manual clock, so the run takes milliseconds and is the same every time.
 */
export async function sampleRun(options: { seconds?: number; seed?: number } = {}): Promise<RunRecord> {
  const seconds = options.seconds ?? 12;
  const seed = options.seed ?? 3;
  let now = 0n;
  const timers: { at: bigint; wake: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((wake) => timers.push({ at: now + BigInt(Math.round(ms * 1e6)), wake }));
  const random = new SeededRandom(seed);
  const recorder = new HistoryRecorder({ clock: () => now, classify: (e) => ((e as { code?: string }).code === 'REFUSED' ? 'fail' : 'info') });
  const pods = ['db-0', 'db-1', 'db-2'];
  const schedule = plan(seed, { pods: [{ name: 'db-0', primary: true }, 'db-1', 'db-2'], faults: ['pod-kill', 'partition', 'pause', 'netem'], targets: ['one', 'primaries'], interval: '3s', duration: `${seconds}s` });
  const incarnations: Incarnation[] = pods.map((pod) => ({ identity: `default/${pod}`, uid: `${pod}-1`, start: 0, end: null }));
  const store: number[] = [];
  let next = 0;

  const client = async () => {
    const me = recorder.client();
    while (now < BigInt(seconds) * 1_000_000_000n) {
      if (random.int(0, 4) === 0) {
        await me.call({ f: 'read', okValue: (set: number[]) => set }, async () => {
          await sleep(random.int(2, 30));
          return [...store];
        });
        continue;
      }
      const element = next++;
      await me.call({ f: 'add', value: element }, async () => {
        await sleep(random.int(2, 40));
        const roll = random.int(0, 99);
        if (roll < 3) throw Object.assign(new Error('refused'), { code: 'REFUSED' });
        if (roll < 5) {
          if (roll === 4) store.push(element);
          await sleep(200);
          throw Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
        }
        store.push(element);
      });
    }
  };
  const nemesis = async () => {
    for (const f of schedule.faults) {
      await sleep(f.start - Number(now / 1_000_000n));
      const value = { fault: f.fault, targets: f.targets, params: f.params };
      await recorder.nemesis('start', value, async () => {
        await sleep(5);
        if (f.fault !== 'pod-kill') return;
        for (const pod of f.targets) {
          const alive = incarnations.find((i) => i.identity === `default/${pod}` && i.end === null)!;
          alive.end = Number(now);
          incarnations.push({ identity: alive.identity, uid: `${pod}-${incarnations.length + 1}`, start: Number(now) + 300e6, end: null });
        }
      });
      if (!LASTING.has(f.fault)) continue;
      await sleep(f.duration);
      await recorder.nemesis('stop', value, () => sleep(5));
    }
  };
  const done = Promise.all([client(), client(), client(), client(), nemesis()]);
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    await new Promise((r) => setImmediate(r));
    timers.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const timer = timers.shift();
    if (!timer) continue;
    now = timer.at;
    timer.wake();
  }
  for (const inc of incarnations) if (inc.end === null) inc.end = Number(now);
  const history = [...recorder.operations];
  const checks = new CheckRunner(new InThreadRunner());
  const results = [await checks.setFull(history), await checks.identity(incarnations)];
  return { title: 'sample: a set under pod-kill, partition, pause and netem', history, incarnations, results, seed };
}
