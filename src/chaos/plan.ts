import { EmuError } from '../errors.ts';
import { formatDuration, parseDuration } from '../util/duration.ts';
import { FAULT_PARAMS, FAULTS, LASTING, NETEM_BEHAVIOURS, NETEM_DEFAULTS, TARGET_MODES, type FaultName, type NetemBehaviour, type TargetMode } from './faults.ts';
import { isSeed, MAX_SEED, SeededRandom } from './random.ts';
import { chooseTargets, whyNot, type ChaosPod } from './targets.ts';

/**
 * What a chaos schedule may do. Durations are written as people write them
 * (`500ms`, `5s`, `2m`).
 *
 *   plan(42, { pods: [{ name: 'mysql-0', primary: true }, 'mysql-1', 'mysql-2'],
 *              faults: ['pod-kill', 'partition', 'netem:loss'], targets: ['one', 'primaries'],
 *              interval: '5s', duration: '2m' })
 */
export interface ChaosSpec {
  /** The pods, in ordinal order; primaries marked. */
  pods: (string | { name: string; primary?: boolean })[];
  /** Fault names (`netem:loss` picks a netem behaviour; `netem` is a delay), or a fault with parameters. */
  faults: (string | { fault: string; params?: Record<string, unknown> })[];
  /** How targets are chosen; each fault uses the modes that fit it (default: one). */
  targets?: string[];
  /** Time from one fault's slot to the next (default 10s, as Jepsen). */
  interval?: string;
  /** How long the run lasts; every fault ends (is healed) within it. */
  duration: string;
  /** How long a pause, partition or netem holds before it is healed (default: half the interval). */
  faultDuration?: string;
}

/** One fault of a schedule: what, on which pods, when (ms from the start of the run), for how long (0: at once), how. */
export interface ScheduledFault {
  fault: FaultName;
  targets: string[];
  start: number;
  duration: number;
  params: Record<string, unknown>;
  /**
   * Set when the targets were drawn as `primaries`: the pods marked primary in
   * the spec, unless whoever runs the schedule can tell who is primary when the
   * fault is due (an elected leader: see ChaosRunOptions.primaries) — then the
   * fault hits those, as Jepsen asks its database for the primaries at that moment.
   */
  mode?: 'primaries';
}

export interface Schedule {
  seed: number;
  /** The run's length in ms. */
  duration: number;
  faults: ScheduledFault[];
}

/** A fault entry of the spec, checked: the fault, its parameters, the target modes that fit it. */
interface Choice {
  fault: FaultName;
  params: Record<string, unknown>;
  modes: TargetMode[];
}

const DEFAULT_INTERVAL = '10s';
const DEFAULT_TARGETS: TargetMode[] = ['one'];

function invalid(where: string, problem: string): never {
  throw new EmuError('CHAOS_INVALID', `chaos: ${where}: ${problem}`);
}

/**
 * The fault schedule for a seed: pure and single-threaded, so the same seed and
 * spec give a byte-identical schedule on every run (see scheduleJson). The run is
 * cut into slots of one interval; each slot holds one fault, drawn from the spec's
 * faults, with targets drawn by a mode that fits it, starting at a random moment
 * that leaves it time to end within its slot. What a seed cannot promise: the
 * system's own timing, which no schedule controls.
 */
export function plan(seed: number, spec: ChaosSpec): Schedule {
  if (!isSeed(seed)) invalid('seed', `must be a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(seed)}`);
  if (typeof spec !== 'object' || spec === null) invalid('spec', 'must be an object with pods, faults and duration');
  const pods = checkPods(spec.pods);
  const modes = checkModes(spec.targets);
  const { interval, duration, faultDuration } = checkTimes(spec);
  const choices = checkFaults(spec.faults, modes, pods);
  const random = new SeededRandom(seed);
  const faults: ScheduledFault[] = [];
  for (let slot = 0; (slot + 1) * interval <= duration; slot++) {
    const choice = random.pick(choices);
    const mode = random.pick(choice.modes);
    const { targets, cuts } = chooseTargets(mode, choice.fault, pods, random);
    const start = slot * interval + random.int(0, interval - faultDuration);
    faults.push({ fault: choice.fault, targets, start, duration: LASTING.has(choice.fault) ? faultDuration : 0, params: cuts ? { ...choice.params, cuts } : { ...choice.params }, ...(mode === 'primaries' ? { mode } : {}) });
  }
  return { seed, duration, faults };
}

/** The schedule as JSON, one fault a line: the same bytes for the same seed and spec. */
export function scheduleJson(schedule: Schedule): string {
  const faults = schedule.faults.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  return `{\n  "seed": ${schedule.seed},\n  "duration": ${schedule.duration},\n  "faults": [${faults ? `\n${faults}\n  ` : ''}]\n}\n`;
}

function checkPods(pods: unknown): ChaosPod[] {
  if (!Array.isArray(pods) || pods.length === 0) invalid('pods', 'no pods to target: give the pods in ordinal order');
  const out: ChaosPod[] = [];
  pods.forEach((p: unknown, i) => {
    const pod = typeof p === 'string' ? { name: p, primary: false } : typeof p === 'object' && p !== null ? { name: (p as { name?: unknown }).name, primary: (p as { primary?: unknown }).primary ?? false } : undefined;
    if (!pod || typeof pod.name !== 'string' || pod.name === '') invalid(`pods[${i}]`, `must be a pod name or { name, primary }, got ${JSON.stringify(p)}`);
    if (typeof pod.primary !== 'boolean') invalid(`pods[${i}].primary`, `must be true or false, got ${JSON.stringify(pod.primary)}`);
    if (out.some((o) => o.name === pod.name)) invalid(`pods[${i}]`, `pod "${pod.name}" is listed twice`);
    out.push(pod as ChaosPod);
  });
  return out;
}

function checkModes(targets: unknown): TargetMode[] {
  if (targets === undefined) return DEFAULT_TARGETS;
  if (!Array.isArray(targets) || targets.length === 0) invalid('targets', `must list target modes (${TARGET_MODES.join(', ')})`);
  return targets.map((t: unknown, i) => {
    if (!TARGET_MODES.includes(t as TargetMode)) invalid(`targets[${i}]`, `unknown target mode ${JSON.stringify(t)} (${TARGET_MODES.join(', ')})`);
    return t as TargetMode;
  });
}

function checkTimes(spec: ChaosSpec): { interval: number; duration: number; faultDuration: number } {
  const time = (field: 'interval' | 'duration' | 'faultDuration', text: unknown): number => {
    const ms = typeof text === 'string' ? parseDuration(text) : undefined;
    if (ms === undefined) invalid(field, `bad duration ${JSON.stringify(text) ?? 'nothing'}: use a number and a unit, like 500ms, 5s, 2m or 1h`);
    if (ms === 0) invalid(field, 'must be longer than 0');
    return ms;
  };
  const duration = time('duration', spec.duration);
  const interval = time('interval', spec.interval ?? DEFAULT_INTERVAL);
  const faultDuration = spec.faultDuration === undefined ? Math.max(1, Math.floor(interval / 2)) : time('faultDuration', spec.faultDuration);
  if (interval > duration) invalid('interval', `${formatDuration(interval)} is longer than the run (duration ${formatDuration(duration)}): not one fault fits`);
  if (faultDuration > interval) invalid('faultDuration', `${formatDuration(faultDuration)} is longer than the interval (${formatDuration(interval)}): each fault must end within its slot`);
  return { interval, duration, faultDuration };
}

function checkFaults(faults: unknown, modes: TargetMode[], pods: ChaosPod[]): Choice[] {
  if (!Array.isArray(faults) || faults.length === 0) invalid('faults', `must list faults (${FAULTS.join(', ')})`);
  const choices = faults.map((entry: unknown, i): Choice => {
    const { fault, params } = checkFault(entry, `faults[${i}]`);
    const fitting = modes.filter((m) => whyNot(m, fault, pods) === undefined);
    if (fitting.length === 0) invalid(`faults[${i}]`, `no target mode fits ${fault}: ${whyNot(modes[0], fault, pods)}`);
    return { fault, params, modes: fitting };
  });
  modes.forEach((mode, j) => {
    if (!choices.some((c) => c.modes.includes(mode))) invalid(`targets[${j}]`, whyNot(mode, choices[0].fault, pods)!);
  });
  return choices;
}

const FAULT_NAMES = `${FAULTS.join(', ')}, or netem:${NETEM_BEHAVIOURS.join('|')}`;

function checkFault(entry: unknown, where: string): { fault: FaultName; params: Record<string, unknown> } {
  const [name, given] = typeof entry === 'string' ? [entry, {}] : typeof entry === 'object' && entry !== null ? [(entry as { fault?: unknown }).fault, (entry as { params?: unknown }).params ?? {}] : [entry, {}];
  if (typeof name !== 'string') invalid(where, `must be a fault name or { fault, params }, got ${JSON.stringify(entry)}`);
  if (typeof given !== 'object' || given === null || Array.isArray(given)) invalid(`${where}.params`, `must be an object, got ${JSON.stringify(given)}`);
  const [base, behaviour] = name.split(':');
  if (!FAULTS.includes(base as FaultName) || (behaviour !== undefined && base !== 'netem')) invalid(where, `unknown fault ${JSON.stringify(name)} (${FAULT_NAMES})`);
  const fault = base as FaultName;
  if (fault === 'netem') return { fault, params: netemParams(behaviour, given as Record<string, unknown>, where) };
  const allowed = FAULT_PARAMS[fault];
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    const kind = allowed[key];
    if (!kind) invalid(`${where}.params.${key}`, `${fault} takes ${Object.keys(allowed).length ? Object.keys(allowed).join(', ') : 'no parameters'}`);
    if (kind === 'seconds' && !(Number.isInteger(value) && (value as number) >= 0)) invalid(`${where}.params.${key}`, `must be a whole number of seconds, got ${JSON.stringify(value)}`);
    if (kind === 'name' && !(typeof value === 'string' && value !== '')) invalid(`${where}.params.${key}`, `must be a container name, got ${JSON.stringify(value)}`);
  }
  return { fault, params: { ...(given as Record<string, unknown>) } };
}

function netemParams(fromName: string | undefined, given: Record<string, unknown>, where: string): Record<string, unknown> {
  const behaviour = (given.netem ?? fromName ?? 'delay') as NetemBehaviour;
  if (!NETEM_BEHAVIOURS.includes(behaviour)) invalid(where, `unknown netem behaviour ${JSON.stringify(behaviour)} (${NETEM_BEHAVIOURS.join(', ')})`);
  if (fromName !== undefined && given.netem !== undefined && given.netem !== fromName) invalid(`${where}.params.netem`, `says ${JSON.stringify(given.netem)} but the fault is netem:${fromName}`);
  const defaults = NETEM_DEFAULTS[behaviour];
  const params: Record<string, unknown> = { netem: behaviour, ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (key === 'netem') continue;
    if (!(key in defaults)) invalid(`${where}.params.${key}`, `netem ${behaviour} takes ${Object.keys(defaults).join(', ')}`);
    const ok = key === 'rate' ? typeof value === 'string' && /^\d+(\.\d+)?(bit|kbit|mbit|gbit)$/.test(value) : typeof value === 'number' && value >= 0 && (key.endsWith('Ms') || value <= 100);
    if (!ok) invalid(`${where}.params.${key}`, key === 'rate' ? `must be a rate like 1mbit or 500kbit, got ${JSON.stringify(value)}` : key.endsWith('Ms') ? `must be milliseconds (a number ≥ 0), got ${JSON.stringify(value)}` : `must be a percentage from 0 to 100, got ${JSON.stringify(value)}`);
    params[key] = value;
  }
  return params;
}
