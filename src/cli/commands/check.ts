import { EmuError } from '../../errors.ts';
import { formatCheckResult } from '../../check/format.ts';
import { WorkerPool } from '../../check/pool.ts';
import { registerRule } from '../../check/register.ts';
import { EXIT_CODE, type CheckResult } from '../../check/result.ts';
import { CheckRunner } from '../../check/runner.ts';
import { setFullRule } from '../../check/set-full.ts';
import type { Operation } from '../../history/operation.ts';
import { readHistory, type OperationRule } from '../../history/read-history.ts';
import { terminalProgress } from '../../util/progress.ts';

/** The models `emu check` knows: the rule each operation must follow, and the check. */
const MODELS: Record<string, { rule: OperationRule; check: (runner: CheckRunner, ops: Operation[], timeLimitMs: number) => Promise<CheckResult> }> = {
  'set-full': { rule: setFullRule, check: (runner, ops) => runner.setFull(ops) },
  register: { rule: registerRule, check: (runner, ops, timeLimitMs) => runner.register(ops, timeLimitMs) },
};

export const CHECK_MODELS = Object.keys(MODELS);

/**
 * emu check --model M FILE.jsonl: check a stored history on worker threads.
 * Exit 0 valid, 1 invalid, 2 unknown (as Jepsen and Maelstrom); a malformed
 * history is one line `FILE:LINE: what is wrong` and exit 1.
 */
export async function checkCommand(file: string, options: { model: string; timeLimit: string; json?: boolean }): Promise<number> {
  const model = MODELS[options.model];
  if (!model) throw new EmuError('USAGE', `--model: unknown model "${options.model}" (${CHECK_MODELS.join(' or ')})`);
  const seconds = Number(options.timeLimit);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new EmuError('USAGE', `--time-limit: must be a positive number of seconds, got "${options.timeLimit}"`);
  const progress = terminalProgress();
  // Threads start now and boot while this thread reads the history.
  const pool = new WorkerPool();
  try {
    progress.update(`reading ${file}`);
    const ops = await readHistory(file, model.rule);
    const runner = new CheckRunner(pool, (done, total) => progress.update(`checking ${options.model}: ${done} of ${total} operations`));
    const result = await model.check(runner, ops, seconds * 1000);
    progress.done();
    console.log(options.json ? JSON.stringify(result, null, 2) : formatCheckResult(result));
    return EXIT_CODE[result.verdict];
  } finally {
    progress.done();
    await pool.close();
  }
}
