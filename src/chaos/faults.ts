/**
 * The faults emu can schedule, named as Chaos Mesh and Jepsen name them, and
 * the ways of choosing their targets (Jepsen's node specs). Defaults for netem
 * are Jepsen's (notes/chaos.md): delay 50 ms, jitter 10 ms, correlation 25 %;
 * loss / corrupt / duplicate / reorder 20 % with correlation 75 %.
 */
export const FAULTS = ['pod-delete', 'pod-kill', 'container-kill', 'pause', 'partition', 'netem'] as const;
export type FaultName = (typeof FAULTS)[number];

/** Faults that hold for a while and are then healed; the others happen at once. */
export const LASTING: ReadonlySet<FaultName> = new Set(['pause', 'partition', 'netem']);

export const TARGET_MODES = ['one', 'minority', 'majority', 'primaries', 'all', 'random-halves', 'majorities-ring'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];

/** Target modes that split pods into sides, which only a partition can use. */
export const PARTITION_ONLY: ReadonlySet<TargetMode> = new Set(['random-halves', 'majorities-ring']);

export const NETEM_BEHAVIOURS = ['delay', 'loss', 'duplicate', 'corrupt', 'reorder', 'bandwidth'] as const;
export type NetemBehaviour = (typeof NETEM_BEHAVIOURS)[number];

/** Each behaviour's parameters and Jepsen's defaults for them (times in ms, shares in %). */
export const NETEM_DEFAULTS: Record<NetemBehaviour, Record<string, number | string>> = {
  delay: { delayMs: 50, jitterMs: 10, correlation: 25 },
  loss: { percent: 20, correlation: 75 },
  duplicate: { percent: 20, correlation: 75 },
  corrupt: { percent: 20, correlation: 75 },
  // tc netem reorders only packets it delays
  reorder: { percent: 20, correlation: 75, delayMs: 50, jitterMs: 10 },
  bandwidth: { rate: '1mbit' },
};

/** Parameters a fault accepts, with what each must be. */
export const FAULT_PARAMS: Record<Exclude<FaultName, 'netem'>, Record<string, 'seconds' | 'name'>> = {
  'pod-delete': { gracePeriodSeconds: 'seconds' },
  'pod-kill': {},
  'container-kill': { container: 'name' },
  pause: {},
  partition: {},
};
