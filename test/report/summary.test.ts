import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/read-history.ts';
import { clientCalls, countsByF, faultSpans, type RunRecord } from '../../src/report/run-record.ts';
import { formatRunSummary } from '../../src/report/summary.ts';
import { timelineHtml } from '../../src/report/timeline-html.ts';
import { writeRunFiles } from '../../src/report/write-run.ts';
import { HistoryBuilder } from '../helpers/history.ts';
import { sampleRun } from '../helpers/sample-run.ts';

describe('run summary', () => {
  let run: RunRecord;
  beforeAll(async () => {
    run = await sampleRun();
  });

  it('lists every fault with its start and heal, the ok/fail/info counts per f, and each verdict', () => {
    const text = formatRunSummary(run);
    const lines = text.split('\n');
    const spans = faultSpans(run.history);
    expect(lines[0]).toBe('sample: a set under pod-kill, partition, pause and netem (seed 3)');
    expect(lines[1]).toBe(`faults: ${spans.length}`);
    const faultLines = lines.slice(2, 2 + spans.length);
    spans.forEach((s, i) => {
      expect(faultLines[i]).toContain(s.fault);
      expect(faultLines[i]).toContain(`${(s.start / 1e9).toFixed(3)} s`);
      expect(faultLines[i]).toMatch(s.lasting ? new RegExp(`healed at ${(s.end! / 1e9).toFixed(3)} s$`) : /at once$/);
    });
    for (const [f, c] of countsByF(run.history)) expect(lines).toContain(`  ${f.padEnd(12)} ${String(c.ok).padStart(8)} ${String(c.fail).padStart(8)} ${String(c.info).padStart(8)}`);
    expect(text).toMatch(/^checks: valid$/m);
    expect(text).toMatch(/^ {2}✓ set-full: valid/m);
    expect(text).toMatch(/^ {2}✓ identity: valid/m);
  });

  it('says when a lasting fault was never healed, and when the nemesis got no answer', () => {
    const fault = { fault: 'partition', targets: ['db-1'] };
    const h = new HistoryBuilder().call('nemesis', 'start', fault, 'info').call(0, 'add', 1).call('nemesis', 'start', { fault: 'pause', targets: ['db-2'] }).call(0, 'read', null, 'ok', [1]);
    const text = formatRunSummary({ title: 't', history: h.ops, results: [] });
    expect(text).toMatch(/partition +db-1 +NOT HEALED \(uncertain: the nemesis got no answer\)/);
    expect(text).toMatch(/pause +db-2 +NOT HEALED$/m);
    const unhealed = new HistoryBuilder().call('nemesis', 'start', fault).call('nemesis', 'stop', fault, 'info').ops;
    expect(formatRunSummary({ title: 't', history: unhealed, results: [] })).toMatch(/partition +db-1 +NOT HEALED/);
  });
});

describe('run files', () => {
  const dir = mkdtempSync('/var/tmp/emu-run-files-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes history.jsonl that reads back as the same history, and a timeline that loads nothing from anywhere', async () => {
    const run = await sampleRun({ seconds: 4 });
    const paths = await writeRunFiles(dir, run);
    expect(parseHistory(readFileSync(paths.history, 'utf8'), paths.history)).toEqual(run.history);
    const html = readFileSync(paths.timeline, 'utf8');
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
    expect(clientCalls(run.history).length).toBeGreaterThan(100);
  });

  it('escapes text from the history and the title', () => {
    const h = new HistoryBuilder().call(0, 'add', '<img src=x>').call(0, 'read', null, 'ok', ['<img src=x>']);
    const html = timelineHtml({ title: '<b>run</b>', history: h.ops, results: [] });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>run</b>');
    expect(html).toContain('&#60;b&#62;run&#60;/b&#62;');
  });
});
