import type { Cluster } from '../engine/cluster.ts';
import { pollUntil } from '../util/deadline.ts';
import type { Progress } from '../util/progress.ts';
import { check } from './assertions.ts';
import type { StepResult } from './report.ts';

/** A pod as a scenario sees it. */
export interface PodSnapshot {
  name: string;
  ip?: string;
  ready: boolean;
  phase: string;
  uid: string;
  restarts: number;
  volumeDirs: string[];
}

/**
 * What a scenario's run() gets: steps, checks, notes, and the cluster with
 * friendly, namespace-defaulted helpers. The raw engine is `t.engine`.
 */
export class ScenarioContext {
  readonly check = check;
  readonly steps: StepResult[] = [];
  private failed = false;

  constructor(
    readonly engine: Cluster,
    private readonly progress: Progress,
    private readonly onStep: (step: StepResult) => void,
    readonly namespace = 'default',
  ) {}

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

  pods(setName?: string): PodSnapshot[] {
    return this.engine
      .listPods(this.namespace)
      .filter((p) => !setName || p.setName === setName)
      .map((p) => ({
        name: p.name,
        ip: p.runtime.status.podIP,
        ready: p.runtime.status.ready,
        phase: p.runtime.status.phase,
        uid: p.uid,
        restarts: p.runtime.status.containerStatuses.reduce((n, c) => n + c.restartCount, 0),
        volumeDirs: p.claimDirs,
      }));
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
  deletePod(name: string): Promise<void> {
    return this.engine.deletePod(this.namespace, name);
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

  scale(setName: string, replicas: number): Promise<void> {
    return this.engine.scale(this.namespace, setName, replicas);
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
