/**
 * What a lab check found, and where it is kept: the last result of each lab in
 * the cluster's labs/ directory, so that `emu dashboard` shows the room's
 * progress without running checks itself.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterPaths } from '../engine/cluster-paths.ts';

export interface StepOutcome {
  title: string;
  ok: boolean;
  /** What to do next, when the step fails. */
  hint?: string;
  detail?: string;
}

export interface LabResult {
  lab: string;
  title: string;
  /** ISO time of the check. */
  checkedAt: string;
  steps: StepOutcome[];
}

export function passed(result: LabResult): boolean {
  return result.steps.every((s) => s.ok);
}

export async function saveLabResult(paths: ClusterPaths, result: LabResult): Promise<void> {
  await mkdir(paths.labs, { recursive: true });
  const file = join(paths.labs, `${result.lab}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(result, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Every lab's last result, by lab id; unreadable files are skipped. */
export async function readLabResults(paths: ClusterPaths): Promise<LabResult[]> {
  const files = await readdir(paths.labs).catch(() => [] as string[]);
  const results = await Promise.all(
    files
      .filter((f) => f.endsWith('.json'))
      .map(async (f) => {
        try {
          return JSON.parse(await readFile(join(paths.labs, f), 'utf8')) as LabResult;
        } catch {
          return undefined;
        }
      }),
  );
  return results.filter((r): r is LabResult => r !== undefined).sort((a, b) => a.lab.localeCompare(b.lab));
}
