import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyJsonl } from '../history/jsonl.ts';
import type { RunRecord } from './run-record.ts';
import { timelineHtml } from './timeline-html.ts';

/** File names of a run's artefacts, beside its JSON report. */
export const HISTORY_FILE = 'history.jsonl';
export const TIMELINE_FILE = 'timeline.html';

/** Write the history (JSON Lines, for `emu check`) and the HTML timeline into `dir`; returns their paths. */
export async function writeRunFiles(dir: string, run: RunRecord): Promise<{ history: string; timeline: string }> {
  const paths = { history: join(dir, HISTORY_FILE), timeline: join(dir, TIMELINE_FILE) };
  await writeFile(paths.history, historyJsonl(run.history));
  await writeFile(paths.timeline, timelineHtml(run));
  return paths;
}
