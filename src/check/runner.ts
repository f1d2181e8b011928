import { byKey, clientOperations, type Operation } from '../history/operation.ts';
import type { ConvergenceDetails, ConvergenceGroup } from './convergence.ts';
import { validateIncarnations, type IdentityDetails, type Incarnation } from './identity.ts';
import type { TaskRunner } from './pool.ts';
import { registerResult, type RegisterDetails } from './register.ts';
import type { CheckResult } from './result.ts';
import type { RoutingDetails, RoutingOptions } from './routing.ts';
import { setFullResult, type SetFullDetails } from './set-full.ts';
import { keyGroup, type KeyGroup } from './tasks.ts';

/** Called as batches finish: operations checked so far, of how many. */
export type CheckProgress = (done: number, total: number) => void;

/**
 * Runs checkers on a TaskRunner (a worker pool, or this thread): histories are
 * split by key into batches of about equal work, largest keys first, so every
 * thread stays busy; results are put back in key order and combined.
 */
export class CheckRunner {
  constructor(
    private readonly runner: TaskRunner,
    private readonly onProgress: CheckProgress = () => {},
  ) {}

  async setFull(ops: readonly Operation[]): Promise<CheckResult<SetFullDetails>> {
    const keys = await this.byKeys(ops, (groups) => this.runner.run({ kind: 'set-full', groups }));
    return setFullResult(keys);
  }

  /**
   * Linearizability per key within `timeLimitMs` for the whole check; keys not
   * decided in time are unknown. Verdicts first on every key; then the witness of
   * the first invalid key only (finding one costs more than deciding).
   */
  async register(ops: readonly Operation[], timeLimitMs: number): Promise<CheckResult<RegisterDetails>> {
    const deadline = Date.now() + timeLimitMs;
    const keys = await this.byKeys(ops, (groups) => this.runner.run({ kind: 'register', groups, deadline, witness: false }));
    const first = keys.findIndex((k) => k.verdict === 'invalid');
    if (first >= 0) {
      const { key } = keys[first];
      const group = keyGroup(key, clientOperations(ops).filter((o) => o.key === key));
      [keys[first]] = await this.runner.run({ kind: 'register', groups: [group], deadline, witness: true });
    }
    return registerResult(keys);
  }

  routing(ops: readonly Operation[], options: RoutingOptions): Promise<CheckResult<RoutingDetails>> {
    return this.runner.run({ kind: 'routing', ops: clientOperations(ops), options });
  }

  convergence(groups: ConvergenceGroup[]): Promise<CheckResult<ConvergenceDetails>> {
    return this.runner.run({ kind: 'convergence', copies: groups });
  }

  async identity(incarnations: Incarnation[]): Promise<CheckResult<IdentityDetails>> {
    // Here, not in the worker: errors lose their type crossing threads.
    validateIncarnations(incarnations);
    return this.runner.run({ kind: 'identity', incarnations });
  }

  private async byKeys<R extends { key?: unknown }>(ops: readonly Operation[], check: (groups: KeyGroup[]) => Promise<R[]>): Promise<R[]> {
    const groups = [...byKey(clientOperations(ops))].map(([key, keyOps]) => keyGroup(key, keyOps));
    const total = groups.reduce((n, g) => n + g.ops.length, 0);
    let done = 0;
    const results = await Promise.all(
      batches(groups, this.runner.threads).map(async (batch) => {
        const out = await check(batch.map((i) => groups[i]));
        done += batch.reduce((n, i) => n + groups[i].ops.length, 0);
        this.onProgress(done, total);
        return batch.map((i, j) => [i, out[j]] as const);
      }),
    );
    const ordered: R[] = new Array(groups.length);
    for (const batch of results) for (const [i, r] of batch) ordered[i] = r;
    return ordered;
  }
}

/**
 * Group indexes into batches of about `total / (threads × 8)` operations, largest
 * groups first (a big key gets a batch of its own), so that the batches left at
 * the end are small and threads finish together.
 */
export function batches(groups: readonly KeyGroup[], threads: number): number[][] {
  const total = groups.reduce((n, g) => n + g.ops.length, 0);
  const target = Math.max(500, Math.ceil(total / (threads * 8)));
  const order = groups.map((_, i) => i).sort((a, b) => groups[b].ops.length - groups[a].ops.length);
  const out: number[][] = [];
  let current: number[] = [];
  let size = 0;
  for (const i of order) {
    current.push(i);
    size += groups[i].ops.length;
    if (size >= target) {
      out.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length) out.push(current);
  return out;
}
