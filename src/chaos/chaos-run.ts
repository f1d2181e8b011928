/**
 * Runs a schedule (plan.ts) against a cluster through its API: at each fault's
 * start a Fault object is created and awaited until the fault controller says
 * it is in force (or failed); at its end the object is deleted, which heals it.
 * The same code drives `t.chaos()` in a scenario (in-process API) and
 * `emu chaos` on a running cluster (the API over its socket).
 *
 * A fault lands on a running system: when it is due, it first waits (within its
 * slot: it must still end before the next fault is due) until every pod it
 * involves is Running and Ready again — a pod killed by the previous fault may
 * still be restarting. If its slot runs out first, it is skipped, and says so.
 * So a seed replays the same schedule; when each fault lands follows the
 * system's own timing, which no seed controls.
 *
 * With a history recorder, each fault is a nemesis operation: `start` invoked
 * when the fault is due and `ok` once its effect is in place (`info` if it
 * failed), `stop` likewise for the heal. Each Fault also carries a duration a
 * little longer than the schedule's, so the controller heals it by itself if
 * whoever ran the schedule is gone.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import type { KubeApi } from '../client/kube-api.ts';
import { EmuError } from '../errors.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { FaultValue } from '../history/operation.ts';
import { delay } from '../util/deadline.ts';
import { FAULTS_RESOURCE } from './fault-controller.ts';
import { faultObject, type FaultObject } from './fault-object.ts';
import { LASTING, type NetemBehaviour } from './faults.ts';
import { isolate } from './targets.ts';
import { checkNetemSupport } from './network-faults.ts';
import type { Schedule, ScheduledFault } from './plan.ts';

/** How much longer than scheduled a Fault may stay before the controller heals it by itself. */
const BACKSTOP_MS = 30_000;
/** How long a fault may take to be applied or healed before the run gives up on it. */
const APPLY_TIMEOUT_MS = 60_000;
const POLL_MS = 5;
/** How often the pods a due fault involves are looked at while it waits for them. */
const WAIT_POLL_MS = 50;
const PODS = byKind('Pod')!;

export interface ChaosRunOptions {
  api: KubeApi;
  namespace: string;
  schedule: Schedule;
  /** Names the Fault objects: `<name>-<n>-<fault>`. */
  name: string;
  recorder?: HistoryRecorder;
  /** A line per fault applied, healed or failed. */
  onEvent?: (line: string) => void;
  /**
   * Who is primary right now (an elected master or leader): a fault drawn as
   * `primaries` hits these pods when it is due, and a partition isolates them
   * from the schedule's other pods. Undefined or empty: not known yet (an
   * election under way), and the fault waits within its slot as for pods that
   * are not running. Without it, such faults hit the pods the spec marked primary.
   */
  primaries?: () => Promise<string[] | undefined>;
  /** Every pod the schedule is over (a retargeted partition isolates the primaries from the others). */
  pods?: string[];
}

/** One fault as it went: when it was issued and when its effect was in place (ms since the run began). */
export interface FaultOutcome {
  fault: ScheduledFault;
  /** The pods it hit: the schedule's, or for a `primaries` fault the primaries when it was due. */
  targets?: string[];
  /** When the Fault object was created (its pods were all running). */
  issuedAt?: number;
  appliedAt?: number;
  healedAt?: number;
  error?: string;
}

/** Refuse, before anything starts, a schedule that cannot be run here (targets missing, netem unsupported). */
export async function checkSchedule(api: KubeApi, namespace: string, schedule: Schedule): Promise<void> {
  const pods = new Set((await api.list(PODS, { namespace })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name));
  const missing = [...new Set(schedule.faults.flatMap((f) => f.targets))].filter((t) => !pods.has(t));
  if (missing.length) throw new EmuError('CHAOS_INVALID', `chaos: targets match no pod: ${missing.join(', ')} not found in namespace ${namespace}`);
  await checkNetemSupport(new Set(schedule.faults.filter((f) => f.fault === 'netem').map((f) => f.params.netem as NetemBehaviour)));
}

export class ChaosRun {
  readonly outcomes: FaultOutcome[] = [];
  /** Resolves when every fault has been applied and healed (or the run was stopped and healed). */
  readonly done: Promise<FaultOutcome[]>;
  private stopped = false;
  private wake?: () => void;
  private readonly started = performance.now();
  private readonly inForce = new Set<string>();
  private finishedFlag = false;

  constructor(private readonly options: ChaosRunOptions) {
    this.done = this.run().finally(() => (this.finishedFlag = true));
  }

  /** True once the schedule is over and every fault healed. */
  get finished(): boolean {
    return this.finishedFlag;
  }

  /** ms since the run began. */
  private now(): number {
    return performance.now() - this.started;
  }

  /** Stop early (Ctrl-C, a failed step): heal what is in force, start nothing more. */
  async stop(): Promise<FaultOutcome[]> {
    this.stopped = true;
    this.wake?.();
    return this.done;
  }

  private async sleepUntil(ms: number): Promise<void> {
    const wait = ms - this.now();
    if (wait <= 0 || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<FaultOutcome[]> {
    const { schedule } = this.options;
    try {
      for (const [n, fault] of schedule.faults.entries()) {
        await this.sleepUntil(fault.start);
        if (this.stopped) break;
        const name = `${this.options.name}-${n + 1}-${fault.fault}`;
        const outcome: FaultOutcome = { fault };
        this.outcomes.push(outcome);
        // The fault must be over before the next one is due.
        const slotEnd = (schedule.faults[n + 1]?.start ?? schedule.duration) - fault.duration;
        const due = await this.dueFault(fault, slotEnd, outcome);
        if (!due) continue;
        outcome.targets = due.targets;
        await this.apply(name, due, outcome);
        if (!LASTING.has(fault.fault) || outcome.error) {
          await this.remove(name).catch(() => undefined);
          continue;
        }
        await this.sleepUntil(outcome.issuedAt! + fault.duration);
        await this.heal(name, due, outcome);
      }
      await this.sleepUntil(schedule.duration);
    } finally {
      // Whatever happened, nothing this run started stays in force.
      for (const name of this.inForce) await this.remove(name).catch(() => undefined);
    }
    return this.outcomes;
  }

  /**
   * The fault as it is to be done now — a `primaries` fault retargeted at the
   * current primaries — once every pod it involves (its targets, and a
   * partition's other sides) is Running and Ready, waiting up to `deadline` (ms
   * since the run began). Undefined, with the outcome's error set, when the slot
   * ran out or the run was stopped.
   */
  private async dueFault(fault: ScheduledFault, deadline: number, outcome: FaultOutcome): Promise<ScheduledFault | undefined> {
    const { api, namespace } = this.options;
    const ready = (pod: Pod | undefined) =>
      pod !== undefined && !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    for (;;) {
      if (this.stopped) return undefined;
      const due = await this.retarget(fault);
      let waiting = ['the primaries (not known now)'];
      if (due) {
        const cuts = (due.params.cuts as [string, string][] | undefined) ?? [];
        const involved = [...new Set([...due.targets, ...cuts.flat()])];
        const pods = await Promise.all(involved.map((name) => api.find<Pod & ApiObject>(PODS, namespace, name)));
        waiting = involved.filter((_, i) => !ready(pods[i]));
        if (waiting.length === 0) return due;
      }
      if (this.now() >= deadline) {
        outcome.error = `skipped: ${waiting.join(', ')} not running and Ready before the fault's slot ended`;
        this.options.onEvent?.(`${(this.now() / 1000).toFixed(3).padStart(8)}s  ${fault.fault} ${fault.targets.join(',')}: ${outcome.error}`);
        return undefined;
      }
      await delay(WAIT_POLL_MS);
    }
  }

  /** A `primaries` fault aimed at the current primaries (undefined while nobody knows who they are). */
  private async retarget(fault: ScheduledFault): Promise<ScheduledFault | undefined> {
    if (fault.mode !== 'primaries' || !this.options.primaries) return fault;
    const primaries = await this.options.primaries().catch(() => undefined);
    if (!primaries?.length) return undefined;
    const targets = [...primaries].sort();
    if (fault.fault !== 'partition') return { ...fault, targets };
    const all = this.options.pods ?? [...new Set(this.options.schedule.faults.flatMap((f) => [...f.targets, ...((f.params.cuts as [string, string][] | undefined) ?? []).flat()]))];
    return { ...fault, targets, params: { ...fault.params, cuts: isolate(targets, all) } };
  }

  private nemesis(f: 'start' | 'stop', fault: ScheduledFault, work: () => Promise<void>): Promise<unknown> {
    const value: FaultValue = { fault: fault.fault, targets: fault.targets };
    if (Object.keys(fault.params).length) value.params = fault.params;
    return this.options.recorder ? this.options.recorder.nemesis(f, value, work) : work();
  }

  private async apply(name: string, fault: ScheduledFault, outcome: FaultOutcome): Promise<void> {
    const { api, namespace } = this.options;
    const what = `${fault.fault} ${fault.targets.join(',')}`;
    await this.nemesis('start', fault, async () => {
      const spec = { fault: fault.fault, targets: fault.targets, params: fault.params, ...(LASTING.has(fault.fault) ? { duration: `${fault.duration + BACKSTOP_MS}ms` } : {}) };
      outcome.issuedAt = this.now();
      await api.create(FAULTS_RESOURCE, faultObject(name, namespace, spec));
      this.inForce.add(name);
      const done = await this.until(name, (f) => (f?.status?.phase ? f : undefined));
      if (done.status!.phase === 'Failed') throw new EmuError('RUNTIME_FAILED', done.status!.message ?? 'the fault failed');
      outcome.appliedAt = this.now();
      this.options.onEvent?.(`${(outcome.appliedAt / 1000).toFixed(3).padStart(8)}s  ${what}: ${done.status!.message ?? ''}`);
    }).catch(() => undefined);
    if (outcome.appliedAt === undefined) {
      const current = await api.find<FaultObject>(FAULTS_RESOURCE, namespace, name).catch(() => undefined);
      outcome.error = current?.status?.message ?? 'not applied';
      this.options.onEvent?.(`${(this.now() / 1000).toFixed(3).padStart(8)}s  ${what}: FAILED: ${outcome.error}`);
    }
  }

  private async heal(name: string, fault: ScheduledFault, outcome: FaultOutcome): Promise<void> {
    await this.nemesis('stop', fault, () => this.remove(name)).catch(() => undefined);
    outcome.healedAt = this.now();
    this.options.onEvent?.(`${(outcome.healedAt / 1000).toFixed(3).padStart(8)}s  ${fault.fault} ${fault.targets.join(',')}: healed`);
  }

  /** Delete the Fault (heals it) and wait until the controller has let it go. */
  private async remove(name: string): Promise<void> {
    const { api, namespace } = this.options;
    try {
      await api.delete(FAULTS_RESOURCE, namespace, name);
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
    await this.until(name, (f) => (f ? undefined : true));
    this.inForce.delete(name);
  }

  private async until<T>(name: string, test: (fault: FaultObject | undefined) => T | undefined): Promise<T> {
    const deadline = Date.now() + APPLY_TIMEOUT_MS;
    for (;;) {
      const value = test(await this.options.api.find<FaultObject>(FAULTS_RESOURCE, this.options.namespace, name));
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new EmuError('TIMEOUT', `chaos: fault ${name} not settled after ${APPLY_TIMEOUT_MS / 1000}s`);
      await delay(POLL_MS);
    }
  }
}
