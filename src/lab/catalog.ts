/**
 * The labs shipped in labs/: one directory per lab, `NN-name/`, holding
 * README.md (its first heading is the lab's title), README.zh-CN.md and
 * check.ts. Names and lookups of labs are built here only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EmuError } from '../errors.ts';
import type { LabStep } from './define.ts';

export const LABS_DIR = fileURLToPath(new URL('../../labs/', import.meta.url));
const LAB_DIR_NAME = /^(\d{2})-[a-z0-9-]+$/;

export interface Lab {
  /** `01` */
  id: string;
  /** `01-identity-dns-storage` */
  name: string;
  dir: string;
  title: string;
}

/** Every lab under `root`, in order. */
export function listLabs(root = LABS_DIR): Lab[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && LAB_DIR_NAME.test(entry.name))
    .map((entry) => {
      const dir = join(root, entry.name);
      return { id: entry.name.slice(0, 2), name: entry.name, dir, title: readmeTitle(join(dir, 'README.md')) ?? entry.name };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `01`, `1` or `01-identity-dns-storage`. */
export function findLab(ref: string, root = LABS_DIR): Lab {
  const labs = listLabs(root);
  const id = /^\d{1,2}$/.test(ref) ? ref.padStart(2, '0') : undefined;
  const lab = labs.find((l) => l.id === id || l.name === ref);
  if (!lab) {
    const known = labs.map((l) => l.id).join(', ') || 'none';
    throw new EmuError('USAGE', `unknown lab "${ref}": the labs are ${known} (see \`emu lab list\`)`);
  }
  return lab;
}

/** The lab's check module: its exported `steps`, validated. */
export async function loadSteps(lab: Lab): Promise<LabStep[]> {
  const file = join(lab.dir, 'check.ts');
  const where = `labs/${lab.name}/check.ts`;
  if (!existsSync(file)) throw new EmuError('USAGE', `${where} is missing: a lab needs a check module that exports \`steps\` (see labs/README.md)`);
  let module: { steps?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { steps?: unknown };
  } catch (error) {
    throw new EmuError('USAGE', `${where} does not load: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const steps = module.steps;
  if (!Array.isArray(steps) || steps.length === 0) throw new EmuError('USAGE', `${where} must export \`steps\`: a non-empty array of { title, check } (see labs/README.md)`);
  steps.forEach((step: Partial<LabStep>, i) => {
    if (typeof step?.title !== 'string' || typeof step.check !== 'function') throw new EmuError('USAGE', `${where}: steps[${i}] must be { title: string, check(lab) }`);
  });
  return steps as LabStep[];
}

function readmeTitle(readme: string): string | undefined {
  if (!existsSync(readme)) return undefined;
  const heading = readFileSync(readme, 'utf8').match(/^#\s+(.+)$/m);
  // "Lab 01 — What a StatefulSet promises" → "What a StatefulSet promises"
  return heading?.[1].replace(/^Lab\s+\d+\s*[—:-]\s*/i, '').trim();
}
