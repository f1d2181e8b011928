/**
 * What a scenario's chaos test needs besides steps: the run's history (client
 * operations and the nemesis's faults, one clock), the pods' incarnations on
 * that clock, seeded fault schedules applied through the API (ChaosRun), the
 * checkers on a worker pool, and their verdicts — everything the end-of-run
 * summary, history.jsonl and the HTML timeline are made of. Created on first
 * use, so scenarios without chaos pay nothing.
 */
import { ChaosRun, checkSchedule } from '../chaos/chaos-run.ts';
import { IncarnationTracker } from '../chaos/incarnations.ts';
import { plan, type ChaosSpec, type Schedule } from '../chaos/plan.ts';
import { drawSeed } from '../chaos/random.ts';
import { formatCheckResult } from '../check/format.ts';
import { WorkerPool } from '../check/pool.ts';
import { CheckRunner } from '../check/runner.ts';
import type { CheckResult } from '../check/result.ts';
import type { KubeApi } from '../client/kube-api.ts';
import type { Cluster } from '../engine/cluster.ts';
import { HistoryRecorder, type ClientProcess, type ErrorClassifier } from '../history/recorder.ts';
import type { RunRecord } from '../report/run-record.ts';
import { AssertionFailure } from './assertions.ts';

/** t.chaos()'s options: the scenario's `chaos` spec, with any of its fields overridden. */
export type ChaosOptions = Partial<ChaosSpec> & { seed?: number };

export class ChaosSession {
  private recorder?: HistoryRecorder;
  private tracker?: IncarnationTracker;
  private pool?: WorkerPool;
  private runner?: CheckRunner;
  private readonly runs: ChaosRun[] = [];
  readonly results: CheckResult[] = [];
  /** The seed of the schedule(s) run, once one has been. */
  seed?: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly api: KubeApi,
    private readonly namespace: string,
    /** The scenario's declared schedule (defineScenario({ chaos })), if any. */
    private readonly declared: (ChaosSpec & { seed?: number }) | undefined,
    /** --seed from the command line: wins over any seed in the scenario. */
    private readonly seedOverride: number | undefined,
    private readonly onLine: (line: string) => void,
  ) {}

  get history(): HistoryRecorder {
    if (!this.recorder) {
      const recorder = new HistoryRecorder({ classify: this.classify });
      this.recorder = recorder;
      this.tracker = new IncarnationTracker(this.cluster.kubelet, () => recorder.now(), this.cluster.kubelet.runningPods());
    }
    return this.recorder;
  }

  /** Set before the first client: how errors are classified (default: every error is info). */
  classify?: ErrorClassifier;

  get used(): boolean {
    return this.recorder !== undefined;
  }

  client(): ClientProcess {
    return this.history.client();
  }

  /** The schedule t.chaos(options) would run with this seed. */
  schedule(options: ChaosOptions = {}): Schedule {
    const spec = { ...this.declared, ...options } as ChaosSpec & { seed?: number };
    const seed = this.seedOverride ?? options.seed ?? this.declared?.seed ?? this.seed ?? drawSeed();
    return plan(seed, spec);
  }

  /** Start a seeded schedule now; faults are nemesis operations in the history. */
  async chaos(options: ChaosOptions = {}): Promise<ChaosRun> {
    const schedule = this.schedule(options);
    await checkSchedule(this.api, this.namespace, schedule);
    this.seed = schedule.seed;
    this.onLine(`  chaos: seed ${schedule.seed}, ${schedule.faults.length} faults over ${schedule.duration / 1000}s`);
    const run = new ChaosRun({ api: this.api, namespace: this.namespace, schedule, name: `chaos-${schedule.seed}-${this.runs.length + 1}`, recorder: this.history });
    this.runs.push(run);
    return run;
  }

  get checks(): CheckRunner {
    this.runner ??= new CheckRunner((this.pool = new WorkerPool()));
    return this.runner;
  }

  /** Keep a checker's verdict for the report; an invalid one fails the step with the smallest witness. */
  verdict(result: CheckResult): CheckResult {
    this.results.push(result);
    if (result.verdict === 'invalid') throw new AssertionFailure(`${result.checker}: ${result.summary}`, 'valid', formatCheckResult(result));
    return result;
  }

  get incarnations() {
    return this.tracker?.incarnations ?? [];
  }

  /** Stop every schedule (healing what is in force) and the checkers' threads. */
  async close(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.stop()));
    this.tracker?.stop();
    await this.pool?.close();
  }

  record(title: string): RunRecord {
    return { title, history: this.recorder?.operations ?? [], incarnations: this.incarnations, results: this.results, seed: this.seed };
  }
}
