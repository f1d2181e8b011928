import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import type { KubeApi } from '../client/kube-api.ts';
import { LocalApi } from '../client/local-api.ts';
import type { Cluster } from '../engine/cluster.ts';
import { claimDirectory } from '../engine/cluster-paths.ts';
import { pollUntil } from '../util/deadline.ts';
import type { Progress } from '../util/progress.ts';
import { check } from './assertions.ts';
import type { StepResult } from './report.ts';
import { ChaosSession, type ChaosOptions } from './chaos-session.ts';
import type { ChaosSpec } from '../chaos/plan.ts';
import type { ChaosRun } from '../chaos/chaos-run.ts';
import type { CheckResult } from '../check/result.ts';
import type { CheckRunner } from '../check/runner.ts';
import type { ClientProcess, HistoryRecorder } from '../history/recorder.ts';

/** A pod as a scenario sees it. */
export interface PodSnapshot {
  name: string;
  ip?: string;
  ready: boolean;
  phase: string;
  uid: string;
  restarts: number;
  volumeDirs: string[];
  /** When this incarnation was created (ms since the epoch). */
  createdAt: number;
}

/**
 * What a scenario's run() gets: steps, checks, notes, and the cluster with
 * friendly, namespace-defaulted helpers. `t.api` is the cluster's Kubernetes
 * API (the same one kubectl sees); the cluster itself is `t.engine`.
 */
const PODS = byKind('Pod')!;
const SETS = byKind('StatefulSet')!;

export class ScenarioContext {
  readonly check = check;
  readonly api: KubeApi;
  readonly steps: StepResult[] = [];
  private failed = false;

  /** History, schedules and checkers (see chaos-session.ts). */
  readonly session: ChaosSession;

  constructor(
    readonly engine: Cluster,
    private readonly progress: Progress,
    private readonly onStep: (step: StepResult) => void,
    readonly namespace = 'default',
    chaos: { spec?: ChaosSpec & { seed?: number }; seed?: number; onLine?: (line: string) => void } = {},
  ) {
    this.api = new LocalApi(engine.store);
    this.session = new ChaosSession(engine, this.api, namespace, chaos.spec, chaos.seed, chaos.onLine ?? (() => {}));
  }

  /** The run's operation history (Jepsen's vocabulary; see history/operation.ts). */
  get history(): HistoryRecorder {
    return this.session.history;
  }

  /** A client process of the history: wrap each call in client.call({ f, key, value }, () => …). */
  client(): ClientProcess {
    return this.session.client();
  }

  /**
   * Start the scenario's seeded fault schedule (defineScenario({ chaos }), fields
   * overridable here) while the steps' clients work; `await run.done` for its end.
   * `emu run FILE --seed N` replays it.
   */
  chaos(options?: ChaosOptions): Promise<ChaosRun> {
    return this.session.chaos(options);
  }

  /** The checkers, on a pool of worker threads. */
  get checks(): CheckRunner {
    return this.session.checks;
  }

  /** Keep a checker's result for the report; invalid fails the step, showing the witness. */
  verdict(result: CheckResult): CheckResult {
    return this.session.verdict(result);
  }

  /** A named step: ✓ when fn resolves, ✗ (with expected/actual) when it throws. Later steps are skipped after a failure. */
  async step<T>(name: string, fn: () => Promise<T> | T): Promise<T | undefined> {
    const step: StepResult = { name, status: 'passed', durationMs: 0, notes: [] };
    this.steps.push(step);
    if (this.failed) {
      step.status = 'skipped';
      this.onStep(step);
      return undefined;
    }
    this.current = step;
    const started = performance.now();
    try {
      return await fn();
    } catch (error) {
      this.failed = true;
      step.status = 'failed';
      const e = error as { message?: string; expected?: unknown; actual?: unknown };
      step.error = { message: e?.message ?? String(error), expected: e?.expected, actual: e?.actual };
      return undefined;
    } finally {
      step.durationMs = performance.now() - started;
      this.progress.done();
      this.current = undefined;
      this.onStep(step);
    }
  }

  private current?: StepResult;

  /** A line shown under the current step (counts, timings, what was observed). */
  note(text: string): void {
    this.current?.notes.push(text);
  }

  get passed(): boolean {
    return !this.failed;
  }

  /** The pods of the namespace (or of one StatefulSet), in ordinal order. */
  pods(setName?: string): PodSnapshot[] {
    return this.engine.store
      .list<Pod & ApiObject>(PODS, { namespace: this.namespace })
      .items.filter((p) => !setName || p.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet' && r.name === setName))
      .sort((a, b) => ordinal(a.metadata.name) - ordinal(b.metadata.name) || a.metadata.name.localeCompare(b.metadata.name))
      .map((p) => ({
        name: p.metadata.name,
        ip: p.status?.podIP,
        ready: Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) && !p.metadata.deletionTimestamp,
        phase: p.status?.phase ?? 'Pending',
        uid: p.metadata.uid!,
        restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
        createdAt: Date.parse(p.metadata.creationTimestamp!),
        volumeDirs: (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [claimDirectory(this.engine.paths, this.namespace, v.persistentVolumeClaim.claimName)] : [])),
      }));
  }

  /** Directories of the namespace's persistent volume claims (scaled-down ordinals' included). */
  async claimDirs(): Promise<string[]> {
    return (await this.api.list(byKind('PersistentVolumeClaim')!, { namespace: this.namespace })).items.map((c) => claimDirectory(this.engine.paths, this.namespace, c.metadata.name));
  }

  pod(name: string): PodSnapshot {
    const pod = this.pods().find((p) => p.name === name);
    if (!pod) throw new Error(`pod ${name} does not exist`);
    return pod;
  }

  waitForReady(setName: string, timeoutSeconds = 120): Promise<true> {
    return this.engine.waitForSetReady(this.namespace, setName, { timeoutMs: timeoutSeconds * 1000, progress: this.progress });
  }

  /** kubectl delete pod: waits until the old incarnation is gone (the controller then recreates it). */
  async deletePod(name: string): Promise<void> {
    const before = this.pod(name);
    await this.api.delete(PODS, this.namespace, name);
    await this.engine.waitFor(`${name} to be deleted`, () => (this.engine.store.find(PODS, this.namespace, name)?.metadata.uid === before.uid ? undefined : true), { timeoutMs: 600_000, progress: this.progress });
  }

  /**
   * Delete a pod and wait for its replacement to be Ready; returns the new
   * incarnation. `meanwhile` runs once the old one is gone (e.g. keep writing).
   */
  async reschedule(name: string, options: { timeoutSeconds?: number; meanwhile?: () => Promise<unknown> } = {}): Promise<PodSnapshot> {
    const { timeoutSeconds = 120, meanwhile } = options;
    const before = this.pod(name);
    await this.deletePod(name);
    await meanwhile?.();
    return this.engine.waitFor(
      `${name} to be rescheduled and Ready`,
      () => {
        const now = this.pods().find((p) => p.name === name);
        return now && now.uid !== before.uid && now.ready ? now : undefined;
      },
      { timeoutMs: timeoutSeconds * 1000, progress: this.progress },
    );
  }

  async scale(setName: string, replicas: number): Promise<void> {
    await this.api.patch(SETS, this.namespace, setName, { spec: { replicas } }, 'merge', { subresource: 'scale' });
  }

  exec(pod: string, command: string[], container?: string) {
    return this.engine.exec(this.namespace, pod, command, { container });
  }

  resolve(name: string): string[] {
    return this.engine.resolve(name);
  }

  /** Poll an async condition until it returns a value (not undefined), with a deadline. */
  eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutSeconds = 30): Promise<T> {
    this.progress.update(`waiting for ${what}`);
    return pollUntil(what, async () => {
      try {
        return await probe();
      } catch {
        return undefined;
      }
    }, { timeoutMs: timeoutSeconds * 1000, intervalMs: 50 });
  }
}

function ordinal(name: string): number {
  return Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
}
