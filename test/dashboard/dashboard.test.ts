// emu dashboard in a real browser (Debian's chromium, driven by playwright-core):
// the page follows a reschedule of web-0 live — the DNS table shows the old IP,
// then the new one for the same name — with faults and lab progress, for the
// cluster's owner only. Screenshots go to test-results/dashboard/.
import { mkdirSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byKind } from '../../src/api/resources.ts';
import { RestApi } from '../../src/client/rest-api.ts';
import { clusterPaths } from '../../src/engine/cluster-paths.ts';
import { CHAOS_COMPONENT, FAULT_HEALED, FAULT_INJECTED, faultMessage } from '../../src/events/chaos-events.ts';
import { openBrowser } from '../helpers/browser.ts';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('dashboard');
const SHOTS = `${ROOT}test-results/dashboard`;
let dashboard: ResultPromise;
let url: string;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

type PodJson = { metadata: { name: string; uid: string; deletionTimestamp?: string }; status?: { podIP?: string; conditions?: { type: string; status: string }[] } };
const pods = async () => JSON.parse((await emu(['get', 'pods', '-o', 'json'], t.env)).stdout).items as PodJson[];
const readyPod = async (name: string, notUid?: string): Promise<PodJson> => {
  for (let i = 0; i < 600; i++) {
    const pod = (await pods()).find((p) => p.metadata.name === name && p.metadata.uid !== notUid && !p.metadata.deletionTimestamp);
    if (pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return pod;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never became Ready`);
};
const dnsCell = (name: string) => page.locator(`[data-dns-name="${name}"][data-namespace="default"] .addresses`);

describe('emu dashboard', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Started before the cluster exists, as a facilitator would: it waits, then fills in.
    dashboard = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'dashboard'], { env: t.env, reject: false });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      dashboard.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/);
        if (found) resolve(found[1]);
      });
      void dashboard.then((r) => reject(new Error(`emu dashboard exited: ${r.stderr}`)));
    });
    browser = await openBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    dashboard?.kill('SIGINT');
    await dashboard;
    await emu(['down', '--volumes'], t.env);
    expect(await leftovers(t.home)).toEqual([]);
    t.cleanup();
  });

  it('waits for a cluster that is not running yet, then fills in', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('#conn').getAttribute('data-state'), { timeout: 15_000 }).toBe('waiting');
    expect(await page.locator('#workloads').textContent()).toBe('waiting for the cluster…');
    expect((await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], t.env)).exitCode).toBe(0);
    await expect.poll(() => page.locator('#conn').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => page.locator('[data-pod]').count(), { timeout: 15_000 }).toBe(2);
  });

  it('serves its owner with the token only: not without it, not another local user even with it', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>emu dashboard</title>');
    const noToken = await fetch(url.replace(/\?token=.*/, ''));
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('the URL needs the token');
    const other = await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'curl', '-s', '-w', '\n%{http_code}', url], { reject: false });
    expect(other.stdout.split('\n').pop()).toBe('403');
    expect(other.stdout).toContain('connections from uid 65534 are refused');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('shows web by ordinal with IPs and volumes, the Service, and the DNS table changing live while web-0 is rescheduled', async () => {
    const before = await readyPod('web-0');
    const oldIp = before.status!.podIP!;
    await expect.poll(() => dnsCell('web-0.nginx').textContent(), { timeout: 15_000 }).toBe(oldIp);
    // Every text the cell shows from now on, in order: the page must update itself, not reload.
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[]; marker: boolean };
      w.seen = [];
      w.marker = true;
      const record = () => {
        const text = document.querySelector('[data-dns-name="web-0.nginx"][data-namespace="default"] .addresses')?.textContent ?? '';
        if (w.seen[w.seen.length - 1] !== text) w.seen.push(text);
      };
      record();
      new MutationObserver(record).observe(document.getElementById('dns')!, { childList: true, subtree: true, characterData: true });
    });
    const web = page.locator('[data-workload="StatefulSet/default/web"]');
    expect(await web.locator('[data-pod]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pod')))).toEqual(['web-0', 'web-1']);
    expect(await web.locator('[data-pod="web-0"] .ip').textContent()).toBe(oldIp);
    expect(await web.locator('[data-pod="web-0"] .volume').textContent()).toBe(`${t.home}/clusters/dashboard/volumes/default/www-web-0`);
    expect(await page.locator('[data-service="nginx"] .endpoint').allTextContents()).toContain(`web-0 ${oldIp}`);
    expect(await page.locator('[data-kind="ControllerRevision"]').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/1-before-reschedule.png`, fullPage: true });

    const deleting = emu(['delete', 'pod', 'web-0'], t.env);
    await expect.poll(() => dnsCell('web-0.nginx').textContent(), { timeout: 30_000 }).not.toBe(oldIp);
    await page.screenshot({ path: `${SHOTS}/2-during-reschedule.png`, fullPage: true });
    expect((await deleting).exitCode).toBe(0);
    const after = await readyPod('web-0', before.metadata.uid);
    const newIp = after.status!.podIP!;
    expect(newIp).not.toBe(oldIp);
    await expect.poll(() => dnsCell('web-0.nginx').textContent(), { timeout: 15_000 }).toBe(newIp);
    await page.screenshot({ path: `${SHOTS}/3-after-reschedule.png`, fullPage: true });

    const seen = await page.evaluate(() => (window as unknown as { seen: string[]; marker?: boolean }).seen.concat(String((window as unknown as { marker?: boolean }).marker)));
    expect(seen.pop()).toBe('true'); // the same document all along
    expect(seen[0]).toBe(oldIp);
    expect(seen.indexOf(newIp)).toBeGreaterThan(0);
    expect(await page.locator('[data-dns-name="web-0.nginx"][data-namespace="default"] .previous .old').textContent()).toBe(oldIp);
    expect(await web.locator('[data-pod="web-0"] .ip').textContent()).toBe(newIp);
    expect(await page.locator('[data-event-reason="Killing"]').count()).toBeGreaterThan(0);
  });

  it('shows an active chaos fault until it is healed, and the lab progress of the last check', async () => {
    const api = await RestApi.connect(clusterPaths(t.cluster, t.home));
    const web0 = await readyPod('web-0');
    const notice = { id: 'f1', fault: 'partition', detail: 'web-0 cut off from web-1' };
    const event = (name: string, reason: string, message: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: web0.metadata.uid, apiVersion: 'v1' },
      reason,
      message,
      type: 'Warning',
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      count: 1,
      source: { component: CHAOS_COMPONENT },
    });
    await api.create(byKind('Event')!, event('web-0.fault-1', FAULT_INJECTED, faultMessage(notice)));
    await expect.poll(() => page.locator('[data-fault-id="f1"]').textContent(), { timeout: 15_000 }).toContain('partition on pod/web-0: web-0 cut off from web-1');

    expect((await emu(['lab', 'check', '01'], t.env)).exitCode).toBe(1);
    await expect.poll(() => page.locator('[data-lab="01"] .lab-progress').textContent(), { timeout: 15_000 }).toMatch(/^[0-5]\/6$/);
    expect(await page.locator('[data-lab="01"] .step.ok').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: `${SHOTS}/4-fault-and-lab.png`, fullPage: true });

    await api.create(byKind('Event')!, event('web-0.fault-2', FAULT_HEALED, faultMessage({ ...notice, detail: 'healed' })));
    await expect.poll(() => page.locator('[data-fault-id]').count(), { timeout: 15_000 }).toBe(0);
  });

  it('shows the cluster going away, and keeps serving', async () => {
    expect((await emu(['down'], t.env)).exitCode).toBe(0);
    await expect.poll(() => page.locator('#conn').getAttribute('data-state'), { timeout: 15_000 }).toBe('waiting');
    expect(await page.locator('#conn').textContent()).toBe('cluster not running — its last picture, greyed');
    expect(await page.locator('body.offline').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/5-cluster-down.png` });
  });

  it('refuses a bad --port and a port in use, in one line', async () => {
    const bad = await emu(['dashboard', '--port', 'http'], t.env);
    expect([bad.exitCode, bad.stderr]).toEqual([1, 'error: --port must be a port number (0-65535, 0 for any free port), got "http"']);
    const taken = new URL(url).port;
    const busy = await emu(['dashboard', '--port', taken], t.env);
    expect([busy.exitCode, busy.stderr]).toEqual([1, `error: port ${taken} is in use on 127.0.0.1: pick another with --port N (or --port 0 for any free port)`]);
  });

  it('stops on Ctrl-C and frees its port', async () => {
    dashboard.kill('SIGINT');
    const result = await dashboard;
    expect(result.exitCode).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
