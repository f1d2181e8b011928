// Lab 01 walked from its README on a fresh cluster, as a participant would:
// before each section `emu lab check 01` shows ✗ with a hint naming what to
// do, after it ✓; a classic mistake (the page written with $(hostname) in
// double quotes, so it runs on the laptop) is caught with a hint pointing at it.
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';
import { parseLabCheck, participantShell, readmeCommands, type CheckedStep } from '../helpers/lab.ts';

const t = testHome('lab01');
const shell = participantShell(t.env);
const README = readmeCommands(`${ROOT}labs/01-identity-dns-storage/README.md`);

/** A command exactly as the README prints it. */
async function step(line: string): Promise<string> {
  expect(README, 'the test runs only what the README says').toContain(line);
  const r = await shell.run(line);
  expect(r.exitCode, `${line}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function check(): Promise<{ exitCode: number; steps: CheckedStep[]; stdout: string }> {
  const r = await shell.run('emu lab check 01');
  return { exitCode: r.exitCode, steps: parseLabCheck(r.stdout), stdout: r.stdout };
}

/** What `emu get pods -w` shows a participant: poll until web has `n` Ready pods (bounded). */
async function waitReady(n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const pods = JSON.parse((await emu(['get', 'pods', '-o', 'json'], t.env)).stdout || '{"items":[]}').items as { metadata: { name: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length === n && pods.length === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`web never had ${n} Ready pods`);
}

/** A README command that reads a page, repeated until nginx in the fresh pod answers (bounded). */
async function untilPrints(line: string, expected: string): Promise<void> {
  let out = '';
  for (let i = 0; i < 100 && out !== expected; i++) out = (await step(line)).trim();
  expect(out).toBe(expected);
}

const verdicts = (steps: CheckedStep[]) => steps.map((s) => (s.ok ? '✓' : '✗')).join('');

describe('lab 01: identity, DNS, storage', () => {
  afterAll(async () => {
    await shell.run('emu down --volumes');
    const left = await leftovers(t.home);
    // Clean up before asserting: a failure here must not leave a cluster behind.
    t.cleanup();
    shell.cleanup();
    expect(left).toEqual([]);
  });

  it('before anything: every step ✗, the first says to start a cluster', async () => {
    const before = await check();
    expect(before.exitCode).toBe(1);
    expect(verdicts(before.steps)).toBe('✗✗✗✗✗✗');
    expect(before.steps[0].hint).toContain('emu apply -f');
    expect(before.stdout).toMatch(/^0 of 6 steps pass$/m);
  });

  it('section 1 and 2: web up in order, names resolve', async () => {
    await step('emu apply -f scenarios/manifests/web.yaml');
    await waitReady(2);
    expect((await step('emu exec web-0 -- hostname')).trim()).toBe('web-0');
    const after = await check();
    expect(verdicts(after.steps)).toBe('✓✓✗✗✗✗');
    expect(after.steps[2].hint).toContain('`emu delete pod web-1`');
    expect(after.steps[3].hint).toContain('there is no page in web-0\'s volume');
  });

  it('section 3: web-1 comes back under its name', async () => {
    await step('emu delete pod web-1');
    await waitReady(2);
    await step('emu exec web-0 -- getent hosts web-1.nginx');
    expect(verdicts((await check()).steps)).toBe('✓✓✓✗✗✗');
  });

  it('a wrong step — the page written in double quotes — is caught with a hint at the quoting', async () => {
    const right = `for i in 0 1; do emu exec web-$i -- sh -c 'echo "I am $(hostname)" > /usr/share/nginx/html/index.html'; done`;
    expect(README).toContain(right);
    const wrong = `for i in 0 1; do emu exec web-$i -- sh -c "echo \\"I am $(hostname)\\" > /usr/share/nginx/html/index.html"; done`;
    expect((await shell.run(wrong)).exitCode).toBe(0);
    const caught = await check();
    expect(caught.exitCode).toBe(1);
    expect(caught.steps[3].ok).toBe(false);
    expect(caught.steps[3].hint).toContain(`web-0's page says "I am ${hostname()}": $(hostname) ran on your own machine`);
    expect(caught.steps[3].hint).toContain('single quotes');
  });

  it('section 4: the pages live in the volumes and survive a reschedule', async () => {
    await step(`for i in 0 1; do emu exec web-$i -- sh -c 'echo "I am $(hostname)" > /usr/share/nginx/html/index.html'; done`);
    expect(await step('emu get pvc')).toMatch(/www-web-0\s+Bound/);
    const written = await check();
    expect(verdicts(written.steps)).toBe('✓✓✓✓✗✗');
    await step('emu delete pod web-0 web-1');
    await waitReady(2);
    await untilPrints('emu exec web-1 -- curl -s web-0.nginx', 'I am web-0');
    expect(verdicts((await check()).steps)).toBe('✓✓✓✓✓✗');
  });

  it('section 5: scaled down, step 6 says to scale back; scaled back, every step ✓', async () => {
    await step('emu scale statefulset web --replicas 1');
    await waitReady(1);
    const down = await check();
    expect(down.steps[5]).toMatchObject({ ok: false, hint: expect.stringContaining('emu scale statefulset web --replicas 2') });
    await step('emu scale statefulset web --replicas 2');
    await waitReady(2);
    await untilPrints('emu exec web-0 -- curl -s web-1.nginx', 'I am web-1');
    const done = await check();
    expect(done.exitCode).toBe(0);
    expect(verdicts(done.steps)).toBe('✓✓✓✓✓✓');
    expect(done.stdout).toMatch(/^all 6 steps pass$/m);
    expect((await shell.run('emu lab list')).stdout).toMatch(/^01\s+What a StatefulSet promises: identity, DNS, storage\s+6\/6 ✓/m);
  });
});
