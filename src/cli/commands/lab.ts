/**
 * emu lab list | check NN: the workshop's labs and their self-checks. A check
 * looks at the participant's own running cluster and prints ✓/✗ per step with
 * a hint; exit 0 when every step passes.
 */
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { findLab, listLabs, loadSteps } from '../../lab/catalog.ts';
import { ClusterLabContext } from '../../lab/cluster-lab-context.ts';
import { runLab } from '../../lab/run-lab.ts';
import { passed, readLabResults, saveLabResult, type StepOutcome } from '../../lab/results.ts';
import { formatTable } from '../printers.ts';

export async function labListCommand(): Promise<void> {
  const results = new Map((await readLabResults(clusterPaths())).map((r) => [r.lab, r]));
  const rows = listLabs().map((lab) => {
    const last = results.get(lab.id);
    const progress = last ? `${last.steps.filter((s) => s.ok).length}/${last.steps.length} ${passed(last) ? '✓' : '✗'}` : '-';
    return [lab.id, lab.title, progress, `labs/${lab.name}/README.md`];
  });
  console.log(formatTable([['LAB', 'TITLE', 'LAST CHECK', 'INSTRUCTIONS'], ...rows]));
}

export async function labCheckCommand(ref: string): Promise<number> {
  const lab = findLab(ref);
  const steps = await loadSteps(lab);
  const paths = clusterPaths();
  console.log(`Lab ${lab.id}: ${lab.title}`);
  let lastHint: string | undefined;
  const result = await runLab(lab, steps, new ClusterLabContext(paths), (outcome, index) => {
    console.log(formatOutcome(outcome, index, outcome.hint === lastHint));
    lastHint = outcome.hint;
  });
  await saveLabResult(paths, result);
  const ok = result.steps.filter((s) => s.ok).length;
  console.log(passed(result) ? `all ${ok} steps pass` : `${ok} of ${result.steps.length} steps pass`);
  return passed(result) ? 0 : 1;
}

/** A hint the step before already gave (e.g. "no cluster is running") is not repeated. */
function formatOutcome(outcome: StepOutcome, index: number, repeated: boolean): string {
  const head = `${outcome.ok ? '✓' : '✗'} ${index + 1}. ${outcome.title}`;
  if (!outcome.ok) return `${head}\n    hint: ${repeated ? 'as above' : outcome.hint}`;
  return outcome.detail ? `${head} (${outcome.detail})` : head;
}
