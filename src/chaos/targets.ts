import { PARTITION_ONLY, type FaultName, type TargetMode } from './faults.ts';
import type { SeededRandom } from './random.ts';

/** A pod a schedule may target, in ordinal order. */
export interface ChaosPod {
  name: string;
  primary: boolean;
}

/** Who a fault hits: the pods, and for a partition the links it cuts (both directions). */
export interface Targeting {
  targets: string[];
  cuts?: [string, string][];
}

const majority = (n: number) => Math.floor(n / 2) + 1;
const minority = (n: number) => Math.floor((n - 1) / 2);

/** How many pods a mode isolates or hits (random-halves: the smaller half). */
function size(mode: TargetMode, pods: readonly ChaosPod[]): number {
  const n = pods.length;
  switch (mode) {
    case 'one':
      return Math.min(1, n);
    case 'minority':
      return minority(n);
    case 'majority':
      return majority(n);
    case 'primaries':
      return pods.filter((p) => p.primary).length;
    case 'all':
    case 'majorities-ring':
      return n;
    case 'random-halves':
      return Math.floor(n / 2);
  }
}

/** Why a mode cannot pick targets for this fault among these pods, or undefined when it can. */
export function whyNot(mode: TargetMode, fault: FaultName, pods: readonly ChaosPod[]): string | undefined {
  const n = pods.length;
  if (PARTITION_ONLY.has(mode) && fault !== 'partition') return `${mode} splits pods into sides, which only a partition can use`;
  if (mode === 'primaries' && size(mode, pods) === 0) return 'primaries matches no pod: no pod is marked primary';
  if (mode === 'majorities-ring' && n < 4) return `majorities-ring needs at least 4 pods (with ${n}, every pod already sees a majority)`;
  if (size(mode, pods) === 0) return `${mode} of ${n} pod${n === 1 ? '' : 's'} is no pod`;
  if (fault === 'partition' && mode !== 'majorities-ring' && (n < 2 || (mode !== 'all' && size(mode, pods) >= n))) return `a partition by ${mode} needs pods on both sides (${n} pod${n === 1 ? '' : 's'})`;
  return undefined;
}

/** Draw the targets (mode must apply; see whyNot). Targets come out in ordinal order, cuts sorted. */
export function chooseTargets(mode: TargetMode, fault: FaultName, pods: readonly ChaosPod[], random: SeededRandom): Targeting {
  const all = pods.map((_, i) => i);
  let chosen: number[];
  if (mode === 'primaries') chosen = all.filter((i) => pods[i].primary);
  else if (mode === 'all') chosen = all;
  else chosen = random.shuffle(all).slice(0, size(mode, pods));
  const names = (list: number[]) => [...list].sort((a, b) => a - b).map((i) => pods[i].name);
  if (fault !== 'partition') return { targets: names(chosen) };
  let cut: [number, number][];
  if (mode === 'majorities-ring') {
    cut = ringCuts(random.shuffle(all));
    chosen = all;
  } else if (mode === 'all') {
    cut = links(all, all);
  } else {
    // Isolate the chosen side from the rest.
    cut = links(chosen, all.filter((i) => !chosen.includes(i)));
  }
  const sorted = cut.map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { targets: names(chosen), cuts: sorted.map(([a, b]) => [pods[a].name, pods[b].name]) };
}

/** Every link between a pod of `a` and another pod of `b`, each once, lower ordinal first. */
function links(a: readonly number[], b: readonly number[]): [number, number][] {
  const out = new Map<string, [number, number]>();
  for (const x of a) for (const y of b) if (x !== y) out.set(`${Math.min(x, y)},${Math.max(x, y)}`, [Math.min(x, y), Math.max(x, y)]);
  return [...out.values()];
}

/**
 * Jepsen's majorities ring: pods in a shuffled ring, each keeping links to its
 * nearest neighbours on both sides so that it sees a majority (itself included),
 * every other link cut. Each pod sees a majority, but no two see the same one.
 */
function ringCuts(ring: number[]): [number, number][] {
  const n = ring.length;
  const reach = Math.ceil((majority(n) - 1) / 2);
  const cut: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (Math.min(j - i, n - (j - i)) > reach) cut.push([ring[i], ring[j]]);
  return cut;
}

/** Cut the targets off from every other pod (by name: a partition decided when it is due). */
export function isolate(targets: readonly string[], all: readonly string[]): [string, string][] {
  const others = all.filter((p) => !targets.includes(p));
  return targets.flatMap((t) => others.map((o): [string, string] => [t, o]));
}
