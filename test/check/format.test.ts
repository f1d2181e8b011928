import { describe, expect, it } from 'vitest';
import { formatCheckResult, shortJson } from '../../src/check/format.ts';
import { checkRegister } from '../../src/check/register.ts';
import { checkSetFull } from '../../src/check/set-full.ts';
import { HistoryBuilder } from '../helpers/history.ts';

describe('formatCheckResult', () => {
  it('prints the verdict, the problems and the witness one call a line, readably', () => {
    const h = new HistoryBuilder().call(0, 'write', 1, 'ok', undefined, 'k').call(1, 'read', null, 'ok', 2, 'k');
    const text = formatCheckResult(checkRegister(h.ops, 60_000));
    const lines = text.split('\n');
    expect(lines[0]).toBe('✗ register: invalid — 2 operations on 1 key: 1 not linearizable, 0 undecided');
    expect(lines).toContain('    the operations that show it:');
    const call = lines.at(-1)!;
    expect(call).toMatch(/^ {6}p1 +read \[key "k"\] +→ ok 2 +#2 → #3 {2}\(0\.002 ms → 0\.003 ms\)$/);
  });

  it('marks valid and unknown results differently and prints no witness for them', () => {
    const valid = formatCheckResult(checkSetFull(new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 'ok', [1]).ops));
    const unknown = formatCheckResult(checkSetFull([]));
    expect(valid).toMatch(/^✓ set-full: valid — /);
    expect(unknown).toMatch(/^\? set-full: unknown — /);
    expect(valid).not.toContain('show it');
  });

  it('shortens long values, saying how many items an array had', () => {
    const big = Array.from({ length: 500 }, (_, i) => i);
    expect(shortJson(big).length).toBeLessThan(80);
    expect(shortJson(big)).toMatch(/… \(500 items\)\]$/);
    expect(shortJson({ a: 1 })).toBe('{"a":1}');
  });
});
