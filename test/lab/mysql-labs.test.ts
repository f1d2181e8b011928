// Labs 07, 08 and 12 walked from their READMEs on one fresh cluster with real
// MariaDB: the participant writes lab 07's init container (the test writes
// what a participant would, first with the classic mistake — the same file
// copied for every ordinal), lab 08 runs an application on that MySQL, and
// lab 12 kills its primary under load and checks the history.
// Before each section `emu lab check NN` shows ✗ with a hint; after it ✓.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emu-cli.ts';
import { labCluster, verdicts, walkLab } from '../helpers/lab.ts';
import { pollUntil } from '../../src/util/deadline.ts';

// The participant works in a directory of their own: the repository's labs/, and their own my-mysql.yaml.
const shell = labCluster('labsql', { workdir: true });
const { cwd } = shell;
const LAB07 = `${ROOT}labs/07-role-separation`;

/** What a participant writes into my-mysql.yaml where the comment says: the init container. */
function writeInitContainer(init: string): void {
  const manifest = readFileSync(join(cwd, 'my-mysql.yaml'), 'utf8');
  const todo = /      # Section 2 of the lab: write the init container here\.[\s\S]*?      # initContainers:\n/;
  expect(manifest).toMatch(todo);
  writeFileSync(join(cwd, 'my-mysql.yaml'), manifest.replace(todo, init));
}

const confFiles = 'for i in 0 1; do emu exec mysql-$i -c mysql -- ls /etc/mysql/conf.d; done';

describe('lab 07: role separation with one image', () => {
  const l = walkLab(shell, '07', `${LAB07}/README.md`);
  const solution = readFileSync(`${LAB07}/solution/init-container.yaml`, 'utf8');

  it('before: every step ✗, the first says to copy the manifest and write the init container', async () => {
    await l.expectNothingDone('cp labs/07-role-separation/mysql.yaml my-mysql.yaml');
  });

  it('a wrong init container — secondary pods given primary.cnf too — is caught with a hint at the copy', async () => {
    await l.step('cp labs/07-role-separation/mysql.yaml my-mysql.yaml');
    const wrong = solution.replace('cp /mnt/config-map/secondary.cnf /mnt/conf.d/', 'cp /mnt/config-map/primary.cnf /mnt/conf.d/');
    expect(wrong).not.toBe(solution);
    writeInitContainer(wrong);
    await l.step('emu apply -f my-mysql.yaml --wait');
    const caught = await l.check();
    expect(verdicts(caught.steps).slice(0, 3)).toBe('✓✗✗');
    expect(caught.steps[1].hint).toContain('mysql-1 has primary.cnf in /etc/mysql/conf.d: your init container copies primary.cnf for ordinal 1');
    expect(caught.steps[2].hint).toContain('mysql-1 is not read-only');
  });

  it('sections 2 and 3: the right init container, applied again — two roles from one image; every step ✓', async () => {
    await l.step('cp labs/07-role-separation/mysql.yaml my-mysql.yaml');
    writeInitContainer(solution);
    await l.step('emu apply -f my-mysql.yaml --wait');
    // The rolling update replaces mysql-1, then mysql-0.
    await pollUntil('both pods on the new template', async () => ((await shell.run(confFiles)).stdout === 'primary.cnf\nserver-id.cnf\nsecondary.cnf\nserver-id.cnf' ? true : undefined), { timeoutMs: 180_000, intervalMs: 500 });
    await l.waitReady('mysql', 2);
    expect(await l.step(`for i in 0 1; do emu exec mysql-$i -c mysql -- mysql -e 'SELECT @@hostname, @@server_id, @@log_bin, @@read_only'; done`)).toMatch(/mysql-0\t100\t1\t0[\s\S]*mysql-1\t101\t0\t1/);
    let last = '';
    const done = await pollUntil('every step ✓', async () => {
      const c = await l.check();
      last = c.stdout;
      return c.exitCode === 0 ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000 }).catch(() => expect.fail(last));
    expect(verdicts(done.steps)).toBe('✓✓✓✓');
  });
});

describe('lab 08: read/write splitting by pod name', () => {
  const l = walkLab(shell, '08', `${ROOT}labs/08-read-write-splitting/README.md`);
  const throughService = `emu exec app -- sh -c 'for i in $(seq 10); do /app/app.sh write via-service mysql-any; done'`;

  it('before: ✗ with the apply command; lab 07\'s solution is what the participant already runs', async () => {
    await l.expectNothingDone('emu apply -f labs/08-read-write-splitting/config.yaml -f labs/08-read-write-splitting/app.yaml --wait');
    expect(await l.step('emu apply -f labs/07-role-separation/solution/mysql.yaml --wait')).toContain('statefulset.apps/mysql unchanged');
  });

  it('a wrong setting — WRITE_HOST through the Service — is caught, then section 1 puts it right', async () => {
    await l.step('emu apply -f labs/08-read-write-splitting/config.yaml -f labs/08-read-write-splitting/app.yaml --wait');
    await pollUntil('the app pod Ready', async () => (/\bapp\s+1\/1\s+Running/.test(await l.step('emu get pod app')) ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    writeFileSync(join(cwd, 'wrong-app.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  WRITE_HOST: mysql-any\n  READ_HOSTS: mysql-1.mysql\n');
    expect((await shell.run('emu apply -f wrong-app.yaml')).exitCode).toBe(0);
    const caught = await l.check();
    expect(caught.steps[0].ok).toBe(false);
    expect(caught.steps[0].hint).toContain('the app\'s WRITE_HOST is "mysql-any", a Service over every mysql pod');
    // Put right the way the hint says (the app pod itself was started with the right settings).
    expect(caught.steps[0].hint).toContain('`emu apply -f labs/08-read-write-splitting/config.yaml`');
    expect((await shell.run('emu apply -f labs/08-read-write-splitting/config.yaml')).exitCode).toBe(0);
    expect(await l.step('emu get configmap app -o yaml')).toContain('WRITE_HOST: mysql-0.mysql');
  });

  it('sections 2–4: writes on the primary, reads on the replica, the Service refuses some writes; every step ✓', async () => {
    await l.step('emu exec app -- /app/app.sh init');
    expect(await l.step(`emu exec app -- sh -c 'for i in 1 2 3; do /app/app.sh write note-$i; done'`)).toMatch(/^(\d+ write ok mysql-0\.mysql server_id=100\n?){3}$/);
    await pollUntil('the replica caught up', async () => (/rows=3$/.test(await l.step('emu exec app -- /app/app.sh read')) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    // Each of ten writes lands on the replica with probability ½; run the README's loop again in the rare case none did.
    await pollUntil('a write refused', async () => (/write failed mysql-any ERROR 1290/.test(await l.step(throughService)) ? true : undefined), { timeoutMs: 120_000, intervalMs: 0 });
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓']);
  });
});

describe('lab 12: chaos — the primary killed under load, the checker\'s verdict', () => {
  const l = walkLab(shell, '12', `${ROOT}labs/12-chaos/README.md`);

  it('before: ✗ with the load\'s apply command; section 1 starts the load', async () => {
    await l.expectNothingDone('emu apply -f labs/12-chaos/load.yaml');
    await l.step('emu apply -f labs/12-chaos/load.yaml');
    await pollUntil('20 acknowledged adds', async () => ((await l.check()).steps[0].ok ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });
    expect(await l.step('emu exec load -- tail -n 4 /history/history.jsonl')).toMatch(/^\{"type":"(invoke|ok)","f":"(add|read)"/);
  });

  it('a wrong aim — faults on the replica mysql-1 — is caught: the primary was never hit', async () => {
    const wrong = await shell.run('emu chaos --selector statefulset.kubernetes.io/pod-name=mysql-1 --faults pod-kill --interval 2s --duration 4s');
    expect(wrong.exitCode, wrong.stderr).toBe(0);
    await l.waitReady('mysql', 2);
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✗✗✓');
    expect(caught.steps[1].hint).toContain('the faults hit mysql-1 only, not the primary');
  });

  it('sections 2 and 3: mysql-0 killed under load; stopped, copied, checked — valid; every step ✓', async () => {
    expect(await l.step('emu chaos --selector app=mysql --faults pod-kill --targets primaries --primary mysql-0 --interval 5s --duration 30s --seed 7 --plan')).toContain('"targets":["mysql-0"]');
    expect(await l.step('emu chaos --selector app=mysql --faults pod-kill --targets primaries --primary mysql-0 --interval 5s --duration 30s')).toMatch(/faults applied, 0 failed; nothing left in force/);
    await l.waitReady('mysql', 2);
    await l.step('emu exec load -- touch /history/stop');
    await pollUntil('the final read', async () => (/load: stopped after \d+ adds/.test(await l.step('emu logs load')) ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });
    await l.step('emu exec load -- cat /history/history.jsonl > history.jsonl');
    expect(await l.step('emu check --model set-full history.jsonl')).toMatch(/^✓ set-full: valid — \d+ elements: \d+ stable, 0 lost/);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓']);
  });
});
