import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmuError } from '../errors.ts';
import { loadManifests } from '../manifest/load.ts';
import type { LoadedManifest } from '../manifest/types.ts';
import { isScenario, type Scenario } from './define.ts';

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  manifests: LoadedManifest[];
}

/**
 * Import a scenario file (TypeScript, no build step) and validate it and its
 * manifests. Every problem becomes one line that says where: a syntax error's
 * file:line:col, a missing default export, or a manifest's located error.
 */
export async function loadScenario(path: string): Promise<LoadedScenario> {
  const file = resolve(path);
  await access(file).catch(() => {
    throw new EmuError('SCENARIO_INVALID', `${path}: scenario file not found`);
  });
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new EmuError('SCENARIO_INVALID', describeImportError(error, path), { cause: error });
  }
  if (!isScenario(module.default)) {
    throw new EmuError('SCENARIO_INVALID', `${path}:1:1: the default export must be defineScenario({ name, manifests, run }) (import { defineScenario } from 'emu')`);
  }
  const scenario = module.default;
  if (!Array.isArray(scenario.manifests) || scenario.manifests.length === 0) {
    throw new EmuError('SCENARIO_INVALID', `${path}: manifests must list at least one manifest file or directory, relative to the scenario`);
  }
  const manifests = await loadManifests(scenario.manifests.map((m) => resolve(dirname(file), m)));
  return { file, scenario, manifests };
}

/** esbuild reports "file:line:col: ERROR: text"; keep that line, else the first line of the error. */
function describeImportError(error: unknown, path: string): string {
  const text = String((error as Error)?.message ?? error);
  const located = /([^\s]+:\d+:\d+): ERROR: (.+)/.exec(text);
  if (located) return `${located[1]}: ${located[2]}`;
  const stack = String((error as Error)?.stack ?? '');
  const frame = new RegExp(`(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/^\.\//, '')}:\\d+:\\d+)`).exec(stack);
  return `${frame ? frame[1] : path}: ${text.split('\n')[0]}`;
}
