import type { ChaosSpec } from '../chaos/plan.ts';
import type { ScenarioContext } from './context.ts';

/**
 * A scenario: manifests to bring up (paths relative to the scenario file) and
 * steps that drive the cluster with ordinary clients. `emu run FILE` runs it in
 * a fresh cluster, inside the node, so pod names like `mysql-0.mysql` resolve.
 */
export interface Scenario {
  name: string;
  manifests: string[];
  /** Wait for every StatefulSet to be Ready before run() (default true). */
  waitForReady?: boolean;
  /** Seconds allowed for the initial readiness (default 300). */
  readyTimeoutSeconds?: number;
  /**
   * The fault schedule t.chaos() runs (pods, faults, targets, interval,
   * duration): declared here so that `emu run FILE --seed N --plan` can print it
   * without starting anything.
   */
  chaos?: ChaosSpec & { seed?: number };
  run: (t: ScenarioContext) => Promise<void>;
}

const BRAND = Symbol.for('emu.scenario');

export function defineScenario(scenario: Scenario): Scenario {
  return Object.assign(scenario, { [BRAND]: true });
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
