import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { EmuError } from '../errors.ts';

/**
 * How many pods the node runs at once, like a Kubernetes node's `pods` capacity:
 * pods beyond it stay Pending until one goes, so a large `replicas` never
 * exhausts the machine. EMU_MAX_PODS sets it; by default each pod is allowed
 * 20 MiB of memory and 32 process ids (sandbox, containers, their children) of the machine's.
 */
export const MEMORY_PER_POD = 20 * 2 ** 20;
export const PIDS_PER_POD = 32;

export function defaultMaxPods(totalMemoryBytes: number, pidMax: number): number {
  return Math.max(1, Math.min(Math.floor(totalMemoryBytes / MEMORY_PER_POD), Math.floor(pidMax / PIDS_PER_POD)));
}

export function maxPodsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.EMU_MAX_PODS;
  if (value === undefined || value === '') return defaultMaxPods(totalmem(), Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')));
  if (!/^[1-9]\d*$/.test(value)) throw new EmuError('USAGE', `EMU_MAX_PODS must be a positive whole number of pods, got "${value}"`);
  return Number(value);
}
