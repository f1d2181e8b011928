import { randomInt } from 'node:crypto';
import { EmuError } from '../errors.ts';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Seeds are whole numbers from 0 to 2^32 − 1 (xoroshiro128+ takes 32 bits of seed). */
export const MAX_SEED = 0xffffffff;

export function isSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

/**
 * Seeded draws (xoroshiro128+ from pure-rand, uniform without modulo bias): the
 * same seed and the same sequence of calls give the same numbers on every run
 * and every machine.
 */
export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** A fresh seed for a run that was given none (printed, so the run can be replayed). */
export function drawSeed(): number {
  return randomInt(0, MAX_SEED + 1);
}

/** A seed from the command line, or a one-line error naming the option. */
export function parseSeed(text: string, option: string): number {
  const seed = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!isSeed(seed)) throw new EmuError('USAGE', `${option} must be a whole number from 0 to ${MAX_SEED}, got "${text}"`);
  return seed;
}
