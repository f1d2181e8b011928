import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../src/util/shell-quote.ts';

const NASTY = [
  '',
  ' ',
  'plain',
  'two words',
  "it's",
  "''",
  "'",
  'say "hi"',
  '"',
  '$HOME',
  '${PATH}',
  '$(id -u)',
  '`id -u`',
  'a\\b',
  '\\',
  'line1\nline2',
  '\n',
  'trailing\n',
  'tab\there',
  '*',
  '/etc/*',
  '?',
  '[ab]',
  '~',
  '~root',
  '!',
  '#not a comment',
  'a;b',
  'a && b',
  'a|b',
  '>out',
  '<in',
  '&',
  '{a,b}',
  '-n',
  '--',
  '%s',
  'ünïcödé ✓',
  "mixed 'single' and \"double\" $x `y` \\z",
];

let cwd: string;
beforeAll(() => {
  // A directory with files, so an unquoted glob would visibly expand.
  cwd = mkdtempSync(join(tmpdir(), 'emu-quote-'));
  for (const name of ['a', 'b', 'x']) writeFileSync(join(cwd, name), '');
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const sh = (script: string) => execFileSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/root-home-sentinel', x: 'X', y: 'Y' } });

describe('shellQuote', () => {
  it.each(NASTY.map((w) => [JSON.stringify(w), w]))('%s survives sh unchanged', (_, word) => {
    expect(sh(`printf '%s' ${shellQuote(word)}`)).toBe(word);
  });

  it('keeps each word one argument, even when empty or full of spaces', () => {
    for (const word of NASTY) {
      expect(sh(`set -- ${shellQuote(word)}; echo $#`).trim(), JSON.stringify(word)).toBe('1');
    }
  });

  it('leaves plain paths and options readable', () => {
    for (const word of ['/usr/share/nginx/html', 'lowerdir=/etc,upperdir=/s/u', '--port=8080', 'user@host:22', '10.0.0.1']) {
      expect(shellQuote(word)).toBe(word);
    }
  });
});

describe('shellJoin', () => {
  it('round-trips a whole argv through sh -c printf', () => {
    const out = sh(`printf '<%s>\\n' ${shellJoin(NASTY)}`);
    expect(out).toBe(NASTY.map((w) => `<${w}>\n`).join(''));
  });

  it('runs a command with its arguments intact', () => {
    expect(sh(shellJoin(['printf', '%s|%s|%s', 'a b', '', "c'd"]))).toBe("a b||c'd");
  });

  it('joins nothing to nothing', () => {
    expect(shellJoin([])).toBe('');
  });
});
