import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { operationLine } from '../history/jsonl.ts';
import type { Operation } from '../history/operation.ts';
import type { RunRecord } from './run-record.ts';
import { timelineHtml } from './timeline-html.ts';

/** File names of a run's artefacts, beside its JSON report. */
export const HISTORY_FILE = 'history.jsonl';
export const TIMELINE_FILE = 'timeline.html';

/** Write the history (JSON Lines, for `emu check`) and the HTML timeline into `dir`; returns their paths. */
export async function writeRunFiles(dir: string, run: RunRecord): Promise<{ history: string; timeline: string }> {
  const paths = { history: join(dir, HISTORY_FILE), timeline: join(dir, TIMELINE_FILE) };
  await writeHistory(paths.history, run.history);
  await writeFile(paths.timeline, timelineHtml(run));
  return paths;
}

/**
 * A line at a time: a long run's history (every read holding the whole set) can
 * be larger than the longest string JavaScript can build.
 */
async function writeHistory(path: string, ops: readonly Operation[]): Promise<void> {
  const out = createWriteStream(path);
  for (const op of ops) if (!out.write(operationLine(op) + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  out.end();
  await finished(out);
}
