// The HTML timeline opened in a real browser (Debian's chromium through playwright-core).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCalls, faultSpans, type RunRecord } from '../../src/report/run-record.ts';
import { timelineHtml } from '../../src/report/timeline-html.ts';
import { openBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/emu-cli.ts';
import { sampleRun } from '../helpers/sample-run.ts';

describe('the HTML timeline in a browser', () => {
  let run: RunRecord;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  const dir = mkdtempSync('/var/tmp/emu-timeline-');
  const file = `${dir}/timeline.html`;
  const requests: string[] = [];

  beforeAll(async () => {
    run = await sampleRun();
    writeFileSync(file, timelineHtml(run));
    browser = await openBrowser();
    browser.context.on('request', (r) => requests.push(r.url()));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the run: a lane per pod and per process, every operation coloured by outcome, fault bands, checks and counts', async () => {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(file).href);
    const calls = clientCalls(run.history);
    const processes = new Set(calls.map((c) => c.process));
    const lanes = await page.locator('#timeline-svg g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')));
    expect(lanes).toEqual(['pod db-0', 'pod db-1', 'pod db-2', ...[...processes].sort((a, b) => Number(a) - Number(b)).map((p) => `process ${p}`)]);
    for (const type of ['ok', 'fail', 'info'] as const) {
      const expected = calls.filter((c) => c.type === type).length;
      expect(expected, type).toBeGreaterThan(0);
      expect(await page.locator(`#timeline-svg rect.op.${type}`).count(), type).toBe(expected);
    }
    const spans = faultSpans(run.history);
    expect(await page.locator('#timeline-svg rect.fault-band').count()).toBe(spans.length);
    expect(await page.locator('#latency-svg rect.fault-band').count()).toBe(spans.length);
    expect(await page.locator('#latency-svg circle.pt').count()).toBe(calls.filter((c) => c.completion).length);
    // pods show their lives: db-0 was killed once, so two incarnations
    expect(await page.locator('g.lane[data-lane="pod db-0"] rect.incarnation').count()).toBe(run.incarnations!.filter((i) => i.identity === 'default/db-0').length);
    // checks and counts, as text a person reads
    await expect(page.locator('#checks li.verdict[data-checker="set-full"]').textContent()).resolves.toMatch(/✓ set-full: valid — \d+ elements/);
    const adds = calls.filter((c) => c.f === 'add');
    await expect(page.locator('#counts tr[data-f="add"]').textContent()).resolves.toBe(`add${adds.filter((c) => c.type === 'ok').length}${adds.filter((c) => c.type === 'fail').length}${adds.filter((c) => c.type === 'info').length}`);
    expect(await page.locator('#faults tr[data-fault]').count()).toBe(spans.length);
    // the bands are where the faults were: the first band starts left of the second
    const xs = await page.locator('#timeline-svg rect.fault-band').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('x'))));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const box = await page.locator('#timeline-svg').boundingBox();
    expect(box!.height).toBeGreaterThan(100);
    mkdirSync(`${ROOT}test-results`, { recursive: true });
    await page.screenshot({ path: `${ROOT}test-results/timeline.png`, fullPage: true });
    await page.close();
  });

  it('is self-contained: the browser requests nothing but the file itself', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((url) => url === pathToFileURL(file).href)).toBe(true);
  });
});
