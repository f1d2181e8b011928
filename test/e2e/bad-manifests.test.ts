// Every malformed manifest is refused by `emu apply` with one located line and
// exit code 1, and nothing is started: no daemon, no cluster directory.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('bad');
const dir = `${ROOT}test/manifest/fixtures/bad`;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('emu apply with malformed manifests', () => {
  afterAll(() => cleanup());

  it('has a suite of at least 15 malformed manifests', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s: one located error line, exit 1, nothing started', async (file) => {
    const result = await emu(['apply', '-f', `${dir}/${file}`], env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error: ${dir}/${file}:\\d+:\\d+: `));
    expect(existsSync(`${home}/clusters`)).toBe(false);
    expect(processesOf(home)).toEqual([]);
  });

  it('refuses an unknown image before starting anything, naming the known ones', async () => {
    const result = await emu(['apply', '-f', `${ROOT}test/e2e/fixtures/unknown-image.yaml`], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: image "quay\.io\/example\/frobnicator:1\.0" has no native recipe; known images: .*nginx.*mariadb/);
    expect(existsSync(`${home}/clusters`)).toBe(false);
  });

  it('rejects bad CLI arguments with exit 1', async () => {
    const noFile = await emu(['apply'], env);
    expect(noFile.exitCode).toBe(1);
    expect(noFile.stderr).toMatch(/required option '-f, --filename <path...>' not specified/);
    const missing = await emu(['apply', '-f', '/nonexistent/x.yaml'], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.split('\n')).toHaveLength(1);
    const badFormat = await emu(['get', 'pods', '-o', 'xml'], env);
    expect(badFormat.exitCode).toBe(1);
    expect(badFormat.stderr).toMatch(/output format "xml"/);
    const notRunning = await emu(['get', 'pods'], env);
    expect(notRunning.exitCode).toBe(1);
    expect(notRunning.stderr).toBe(`error: no emu cluster "${env.EMU_CLUSTER}" is running here; start one with \`emu apply -f FILE\``);
  });
});
