import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatRunSummary } from '../report/summary.ts';
import { writeRunFiles } from '../report/write-run.ts';
import { Cluster } from '../engine/cluster.ts';
import { clusterPaths } from '../engine/cluster-paths.ts';
import { requestedRuntime } from '../runtime/runtime-choice.ts';
import { applyObjects } from '../client/apply.ts';
import { serveApi } from '../daemon/api-host.ts';
import type { ApiObject } from '../api/store.ts';
import { terminalProgress, silentProgress } from '../util/progress.ts';
import { ScenarioContext } from './context.ts';
import { loadScenario } from './load-scenario.ts';
import { formatStep, formatSummary, type ScenarioReport } from './report.ts';

export interface RunOptions {
  json?: boolean | string;
  keep?: boolean;
  /** The chaos schedule's seed (from --seed). */
  seed?: string;
}

/**
 * `emu run`'s inner half, inside a fresh node: bring the cluster up, run the
 * steps, report, tear down. The cluster also serves the daemon socket, so
 * `emu get pods -o wide` and friends work while the scenario runs (and after,
 * with --keep). Ends early and cleanly if the outer emu goes away.
 */
export async function runInNode(path: string, options: RunOptions): Promise<number> {
  const jsonToStdout = options.json === true;
  const print = jsonToStdout ? () => undefined : (line: string) => console.log(line);
  const progress = jsonToStdout ? silentProgress : terminalProgress();
  const started = performance.now();
  const { file, scenario, manifests } = await loadScenario(path);
  const paths = clusterPaths();
  await rm(paths.volumes, { recursive: true, force: true }); // every run starts from fresh volumes
  const cluster = await Cluster.start({ paths, runtime: requestedRuntime(undefined) });
  let finished = false;
  const api = await serveApi(cluster);
  let stopping: Promise<void> | undefined;
  const abort = () => {
    stopping ??= (async () => {
      await api.close();
      await cluster.shutdown();
      process.exit(finished ? 0 : 130);
    })();
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, abort);
  // As in the daemon: a stray rejection must not take the node (and every pod) down.
  process.on('unhandledRejection', (error) => console.error('emu: unhandled rejection:', error));
  process.stdin.on('end', () => finished || abort()).resume(); // the outer emu died: stop

  print(`emu run ${path} — ${scenario.name}`);
  print(`  (inspect while it runs: emu --cluster ${paths.name} get pods -o wide)`);
  const t = new ScenarioContext(cluster, progress, (step) => print(formatStep(step)), 'default', { spec: scenario.chaos, seed: options.seed === undefined ? undefined : Number(options.seed), onLine: print });
  const sets = manifests.filter((m) => m.object.kind === 'StatefulSet');
  await t.step(`apply ${manifests.length} objects; ${sets.map((s) => s.object.metadata.name).join(', ')} Ready`, async () => {
    await applyObjects(t.api, manifests.map((m) => m.object as unknown as ApiObject));
    if (scenario.waitForReady === false) return;
    for (const s of sets) await cluster.waitForSetReady(s.object.metadata.namespace, s.object.metadata.name, { timeoutMs: (scenario.readyTimeoutSeconds ?? 300) * 1000, progress });
  });
  if (t.passed) {
    try {
      await scenario.run(t);
    } catch (error) {
      // An error outside any step still fails the run, with its message.
      await t.step('scenario code outside steps', () => Promise.reject(error));
    }
  }
  let exitCode: number;
  try {
    exitCode = await reportRun(t, { path, file, name: scenario.name, started, options, print, clusterRoot: paths.root, clusterName: paths.name });
  } catch (error) {
    // The cluster must still go down (and with it every pod): one line, and the run failed.
    console.error(`error: reporting the run failed: ${(error as Error).message}`);
    exitCode = 1;
  }

  finished = true;
  if (options.keep) {
    print(`cluster "${paths.name}" kept running: emu --cluster ${paths.name} get pods -o wide; emu --cluster ${paths.name} down`);
    // Tell the outer emu we are done so it can exit while we keep serving.
    const done = createWriteStream('', { fd: 3 });
    done.end(JSON.stringify({ exitCode }) + '\n');
    // The outer emu lets go of our output pipes now: never die of EPIPE later.
    for (const stream of [process.stdout, process.stderr, done] as NodeJS.EventEmitter[]) stream.on('error', () => undefined);
    return exitCode;
  }
  await api.close();
  await cluster.shutdown();
  await rm(paths.root, { recursive: true, force: true });
  process.exit(exitCode);
}

/** The end of a run: stop the chaos and the checkers' threads, print the summary, write the history, the timeline and the JSON report. */
async function reportRun(
  t: ScenarioContext,
  run: { path: string; file: string; name: string; started: number; options: RunOptions; print: (line: string) => void; clusterRoot: string; clusterName: string },
): Promise<number> {
  await t.session.close();
  const summary: ScenarioReport = { scenario: run.name, file: run.file, passed: t.passed && t.steps.every((s) => s.status === 'passed'), durationMs: performance.now() - run.started, steps: t.steps };
  if (t.session.used) {
    const record = t.session.record(run.name);
    run.print(formatRunSummary(record));
    const dir = typeof run.options.json === 'string' ? dirname(resolve(run.options.json)) : join(dirname(run.clusterRoot), '..', 'runs', run.clusterName);
    await mkdir(dir, { recursive: true });
    const files = await writeRunFiles(dir, record);
    summary.seed = record.seed;
    summary.history = files.history;
    summary.timeline = files.timeline;
    run.print(`history: ${files.history}\ntimeline: ${files.timeline}`);
  }
  run.print(formatSummary(summary));
  if (!summary.passed && t.session.seed !== undefined) run.print(`replay: emu run ${run.path} --seed ${t.session.seed}`);
  if (run.options.json === true) console.log(JSON.stringify(summary, null, 2));
  else if (typeof run.options.json === 'string') await writeFile(run.options.json, JSON.stringify(summary, null, 2));
  return summary.passed ? 0 : 1;
}
