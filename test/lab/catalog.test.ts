// The lab framework without a cluster: the catalog of labs/, loading check
// modules, and running steps (a step that throws fails with what it threw).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findLab, listLabs, loadSteps } from '../../src/lab/catalog.ts';
import { ClusterLabContext } from '../../src/lab/cluster-lab-context.ts';
import { runLab } from '../../src/lab/run-lab.ts';
import { clusterPaths } from '../../src/engine/cluster-paths.ts';
import { EmuError } from '../../src/errors.ts';
import { emu } from '../helpers/emu-cli.ts';
import { readmeCommands } from '../helpers/lab.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/labs/', import.meta.url));

describe('the labs in labs/', () => {
  it('each has an English and a Chinese README, a title and a check that loads', async () => {
    const labs = listLabs();
    expect(labs.map((l) => l.id)).toContain('01');
    for (const lab of labs) {
      expect(existsSync(join(lab.dir, 'README.md')), lab.name).toBe(true);
      expect(existsSync(join(lab.dir, 'README.zh-CN.md')), lab.name).toBe(true);
      expect(lab.title).not.toMatch(/^Lab\b/);
      expect((await loadSteps(lab)).length).toBeGreaterThan(0);
    }
  });

  it('keeps the Chinese README in step with the English one: the same commands', () => {
    for (const lab of listLabs()) {
      expect(readmeCommands(join(lab.dir, 'README.zh-CN.md')), lab.name).toEqual(readmeCommands(join(lab.dir, 'README.md')));
    }
  });

  it('finds a lab by number or name, and names the labs when it cannot', () => {
    expect(findLab('1').name).toBe('01-identity-dns-storage');
    expect(findLab('01-identity-dns-storage').id).toBe('01');
    expect(() => findLab('99')).toThrow('unknown lab "99": the labs are 01');
  });

  it('emu lab check with an unknown lab: one line, exit 1', async () => {
    const r = await emu(['lab', 'check', '99'], { EMU_HOME: '/var/tmp/emu-no-such-home', EMU_CLUSTER: 'none' });
    const ids = listLabs().map((l) => l.id).join(', ');
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([1, '', `error: unknown lab "99": the labs are ${ids} (see \`emu lab list\`)`]);
  });
});

describe('check modules', () => {
  it('refuses a module without steps, in one line naming the file', async () => {
    const error = await loadSteps(findLab('01', FIXTURES)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmuError);
    expect((error as Error).message).toBe('labs/01-no-steps/check.ts must export `steps`: a non-empty array of { title, check } (see labs/README.md)');
  });

  it('runs every step: ✓, ✗ with its hint, and a step that throws is ✗ with what it threw', async () => {
    const lab = findLab('02', FIXTURES);
    const seen: number[] = [];
    const result = await runLab(lab, await loadSteps(lab), new ClusterLabContext(clusterPaths('nothing-here', '/var/tmp/emu-no-such-home')), (_, i) => seen.push(i));
    expect(seen).toEqual([0, 1, 2]);
    expect(result.lab).toBe('02');
    expect(result.steps).toEqual([
      { title: 'passes', ok: true, detail: 'fine' },
      { title: 'fails with a hint', ok: false, hint: 'do the thing' },
      { title: 'throws', ok: false, hint: 'the check itself failed (bug in the check); tell the facilitator' },
    ]);
  });
});
