/**
 * Linearizability of one register, by the Wing–Gong–Lowe search as Porcupine
 * does it: events in a doubly linked list, try to linearize the earliest pending
 * call that the model accepts, backtrack at a return that nothing could precede,
 * and remember every (set of linearized calls, state) pair already explored, so
 * each is explored once. Calls whose outcome is unknown (`info`) return at
 * "infinity": they may take effect at any point after their invoke, or never.
 *
 * Values are interned to small integers by the caller (see register.ts).
 */
export const READ = 0;
export const WRITE = 1;
export const CAS = 2;

export interface RegisterCall {
  kind: typeof READ | typeof WRITE | typeof CAS;
  /** read: the value read; write: the value written; cas: the expected value. */
  a: number;
  /** cas: the new value. */
  b: number;
  /** Position of the invoke and of the completion in the history (end: Infinity when unknown). */
  start: number;
  end: number;
}

/** `undecided`: the deadline passed or the search outgrew its memory budget first. */
export type SearchOutcome = 'linearizable' | 'not-linearizable' | 'undecided';

/** At most this many words of remembered configurations (4 bytes each) per search. */
const MEMORY_WORDS = 32 * 1024 * 1024;

/** Fixed pseudo-random words for Zobrist hashing of the linearized set (splitmix32, fixed seed). */
function zobrist(n: number): Int32Array {
  const z = new Int32Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    z[i] = x ^ (x >>> 16);
  }
  return z;
}

/**
 * Is there an order of the calls, each at a moment between its invoke and
 * completion, that a register starting at `initial` allows? `loose` calls (for
 * witnesses, see minimalFailingCalls) may take effect any number of times, or
 * never, at any moment after their invoke: a relaxation, so a history that fails
 * with them fails without them.
 */
export function searchLinearization(calls: readonly RegisterCall[], initial: number, deadline: number, loose: readonly RegisterCall[] = []): SearchOutcome {
  const n = calls.length;
  let required = 0;
  for (const c of calls) if (c.end !== Infinity) required++;
  if (required === 0) return 'linearizable';
  if (Date.now() > deadline) return 'undecided';

  // Nodes: 0 head, 1..2n events (2i+1 call of i, 2i+2 return of i), 2n+1 tail, in
  // history order; unknown returns come after every known position, by invoke.
  let beyond = 0;
  for (const c of calls) beyond = Math.max(beyond, c.start + 1, c.end === Infinity ? 0 : c.end + 1);
  const position = (node: number) => {
    const c = calls[(node - 1) >> 1];
    return node & 1 ? c.start : c.end === Infinity ? beyond + c.start : c.end;
  };
  const order = Array.from({ length: 2 * n }, (_, k) => k + 1).sort((x, y) => position(x) - position(y));
  const tail = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  let last = 0;
  for (const node of order) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = tail;
  prev[tail] = last;
  const lift = (call: number) => {
    const ret = call + 1;
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  };
  const unlift = (call: number) => {
    const ret = call + 1;
    prev[next[ret]] = ret;
    next[prev[ret]] = ret;
    prev[next[call]] = call;
    next[prev[call]] = call;
  };

  // Remembered configurations: (linearized set, state), bucketed by hash.
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const z = zobrist(n);
  const cache = new Map<number, number[]>();
  const seenBits: Uint32Array[] = [];
  const seenState: number[] = [];
  const remember = (bucket: number[], state: number) => {
    bucket.push(seenState.length);
    seenBits.push(bits.slice());
    seenState.push(state);
  };
  const seen = (hash: number, state: number): boolean => {
    let bucket = cache.get(hash);
    if (!bucket) cache.set(hash, (bucket = []));
    for (const id of bucket) {
      if (seenState[id] !== state) continue;
      const other = seenBits[id];
      let same = true;
      for (let w = 0; w < words && same; w++) same = other[w] === bits[w];
      if (same) return true;
    }
    remember(bucket, state);
    return false;
  };

  // With loose calls: can the state get from `from` to `to` through loose calls invoked before `before`?
  const reaches = (from: number, to: number, before: number): boolean => {
    if (from === to) return true;
    const open = [from];
    const visited = new Set(open);
    while (open.length) {
      const s = open.pop()!;
      for (const c of loose) {
        if (c.start >= before) continue;
        const after = c.kind === WRITE ? c.a : c.kind === CAS && c.a === s ? c.b : -1;
        if (after === to) return true;
        if (after >= 0 && !visited.has(after)) {
          visited.add(after);
          open.push(after);
        }
      }
    }
    return false;
  };
  const firstReturn = () => {
    let node = next[0];
    while (node !== tail && node & 1) node = next[node];
    return node === tail ? Infinity : position(node);
  };

  const stackCall = new Int32Array(n);
  const stackState = new Int32Array(n);
  let depth = 0;
  let state = initial;
  let hash = 0;
  let entry = next[0];
  let horizon = loose.length ? firstReturn() : 0;
  let steps = 0;
  for (;;) {
    if ((++steps & 0x3ff) === 0 && (Date.now() > deadline || seenBits.length * (words + 4) > MEMORY_WORDS)) return 'undecided';
    if (entry !== tail && entry & 1) {
      const i = (entry - 1) >> 1;
      const c = calls[i];
      let after = -1;
      if (c.kind === WRITE) after = c.a;
      else if (state === c.a || (loose.length && reaches(state, c.a, horizon))) after = c.kind === READ ? c.a : c.b;
      if (after >= 0) {
        bits[i >>> 5] |= 1 << (i & 31);
        const h = hash ^ z[i];
        if (!seen((h ^ Math.imul(after + 1, 0x9e3779b1)) | 0, after)) {
          stackCall[depth] = entry;
          stackState[depth++] = state;
          state = after;
          hash = h;
          lift(entry);
          if (c.end !== Infinity && --required === 0) return 'linearizable';
          entry = next[0];
          if (loose.length) horizon = firstReturn();
          continue;
        }
        bits[i >>> 5] &= ~(1 << (i & 31));
      }
      entry = next[entry];
    } else {
      // A return (or the end): no pending call could be linearized before it.
      if (depth === 0) return 'not-linearizable';
      const call = stackCall[--depth];
      state = stackState[depth];
      const i = (call - 1) >> 1;
      bits[i >>> 5] &= ~(1 << (i & 31));
      hash ^= z[i];
      if (calls[i].end !== Infinity) required++;
      unlift(call);
      entry = next[call];
      if (loose.length) horizon = firstReturn();
    }
  }
}

/**
 * The calls of the history up to position `upTo` (inclusive): those invoked by
 * then; a call completing later is still open there (its end unknown), and an
 * open read says nothing, so it is left out.
 */
function prefix(calls: readonly RegisterCall[], upTo: number): number[] {
  const ids: number[] = [];
  calls.forEach((c, i) => {
    if (c.start <= upTo && !(c.kind === READ && c.end > upTo)) ids.push(i);
  });
  return ids;
}

/**
 * A small set of calls that shows a history is not linearizable. Each step only
 * ever gives up constraints, so what still fails proves the whole history fails:
 * 1. the shortest failing prefix (later calls dropped; calls still open there may
 *    take effect at any later moment, or never);
 * 2. then, as ddmin does (chunks of half the calls, then smaller, down to single
 *    calls), reads are dropped and writes / cas become loose (any number of times,
 *    or never, after their invoke) while the rest still fails.
 * The witness is the calls left required; they fail on their own too (loose calls
 * only ever add possibilities). Stops at the deadline with what it has (still
 * failing). Returns call indexes and the prefix's end (calls completing after it
 * are shown as open).
 */
export function minimalFailingCalls(calls: readonly RegisterCall[], initial: number, deadline: number): { ids: number[]; upTo: number } {
  const fails = (required: readonly number[], loose: readonly number[], upTo: number) =>
    searchLinearization(
      required.map((i) => (calls[i].end > upTo ? { ...calls[i], end: Infinity } : calls[i])),
      initial,
      deadline,
      loose.map((i) => calls[i]),
    ) === 'not-linearizable';
  // 1. The shortest prefix (ending at some completion) that already fails; the whole history does.
  const ends = [...new Set(calls.map((c) => c.end).filter((e) => e !== Infinity))].sort((a, b) => a - b);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi && Date.now() <= deadline) {
    const mid = (lo + hi) >> 1;
    if (fails(prefix(calls, ends[mid]), [], ends[mid])) hi = mid;
    else lo = mid + 1;
  }
  const upTo = ends[hi];
  let required = prefix(calls, upTo);
  let loose: number[] = [];
  // 2. Relax chunks of calls while the rest still fails.
  for (let size = Math.ceil(required.length / 2); size >= 1 && Date.now() <= deadline; ) {
    let relaxed = false;
    for (let from = Math.max(0, required.length - size); from >= 0 && Date.now() <= deadline; from = from === 0 ? -1 : Math.max(0, from - size)) {
      const chunk = required.slice(from, from + size);
      const r = [...required.slice(0, from), ...required.slice(from + size)];
      const l = [...loose, ...chunk.filter((i) => calls[i].kind !== READ)];
      if (r.length < required.length && fails(r, l, upTo)) {
        [required, loose] = [r, l];
        relaxed = true;
        from = Math.min(from, required.length);
      }
    }
    if (!relaxed) {
      if (size === 1) break;
      size = Math.ceil(size / 2);
    }
  }
  return { ids: required, upTo };
}

