/**
 * Runs a lab's steps against the participant's cluster, one after another (a
 * later step may build on an earlier one, but every step is checked so the
 * participant sees the whole picture). A step that throws fails with what it
 * threw; one that hangs fails after a bound.
 */
import { ApiError } from '../api/status.ts';
import { EmuError } from '../errors.ts';
import { withDeadline } from '../util/deadline.ts';
import type { Lab } from './catalog.ts';
import type { LabContext, LabStep, StepVerdict } from './define.ts';
import type { LabResult, StepOutcome } from './results.ts';

const STEP_TIMEOUT_MS = 30_000;

export async function runLab(lab: Lab, steps: LabStep[], context: LabContext, onStep: (outcome: StepOutcome, index: number) => void): Promise<LabResult> {
  const outcomes: StepOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    const verdict = await checkStep(step, context);
    const outcome: StepOutcome = verdict.ok ? { title: step.title, ok: true, detail: verdict.detail } : { title: step.title, ok: false, hint: verdict.hint };
    outcomes.push(outcome);
    onStep(outcome, index);
  }
  return { lab: lab.id, title: lab.title, checkedAt: new Date().toISOString(), steps: outcomes };
}

async function checkStep(step: LabStep, context: LabContext): Promise<StepVerdict> {
  try {
    return await withDeadline(step.check(context), STEP_TIMEOUT_MS, `checking "${step.title}"`);
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, hint: `the API answered: ${error.message}` };
    if (error instanceof EmuError) return { ok: false, hint: error.message };
    return { ok: false, hint: `the check itself failed (${(error as Error).message}); tell the facilitator` };
  }
}
