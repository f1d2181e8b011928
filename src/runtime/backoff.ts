/**
 * Kubernetes' CrashLoopBackOff: 10 s after the first crash, doubling up to 300 s,
 * reset once a container has run for 10 minutes. `timeScale` (EMU_TIME_SCALE,
 * documented in the README) shrinks these waits for tests and workshops.
 */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_AFTER_MS = 600_000;

export function crashLoopDelayMs(consecutiveCrashes: number, timeScale = 1): number {
  if (consecutiveCrashes <= 0) return 0;
  const ms = Math.min(BACKOFF_INITIAL_MS * 2 ** (consecutiveCrashes - 1), BACKOFF_MAX_MS);
  return Math.round(ms * timeScale);
}

export function timeScaleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.EMU_TIME_SCALE ?? '1');
  return Number.isFinite(value) && value > 0 ? value : 1;
}
