/**
 * `emu doctor`: is this machine ready for a workshop? Runs every check in
 * order and reports ✓ or ✗ with the fix; ready when every required check
 * passes. Checks that start processes do so in namespaces that vanish with
 * them, and leave nothing behind.
 */
import type { CheckResult } from './check-result.ts';
import { apiPort, disk, existingHome, home } from './resource-checks.ts';
import { cgroups, idmappedMounts, kernel, memory, node, overlay, pidMax, userNamespaces } from './system-checks.ts';
import { imagePackages, tools } from './tool-checks.ts';

export async function runChecks(onResult: (result: CheckResult) => void): Promise<CheckResult[]> {
  const checks = [kernel, node, userNamespaces, overlay(existingHome()), idmappedMounts, cgroups, pidMax, memory, tools, imagePackages, home, disk, apiPort];
  const all: CheckResult[] = [];
  for (const check of checks) {
    const results = [await check()].flat();
    for (const result of results) onResult(result);
    all.push(...results);
  }
  return all;
}

export function formatResult(result: CheckResult): string {
  const mark = result.ok ? '✓' : '✗';
  const optional = result.required ? '' : ' (optional)';
  const line = `${mark} ${result.name}${optional}: ${result.found}`;
  return result.ok ? line : `${line}\n    fix: ${result.fix}`;
}

export function summary(results: CheckResult[]): { ready: boolean; text: string } {
  const requiredFailed = results.filter((r) => r.required && !r.ok).length;
  const optionalFailed = results.filter((r) => !r.required && !r.ok).length;
  const optionalNote = optionalFailed ? ` (${optionalFailed} optional ${optionalFailed === 1 ? 'check does' : 'checks do'} not: see above)` : '';
  if (requiredFailed === 0) return { ready: true, text: `ready: every required check passes${optionalNote}` };
  return { ready: false, text: `not ready: ${requiredFailed} required ${requiredFailed === 1 ? 'check fails' : 'checks fail'}; apply the fixes above and run emu doctor again` };
}
