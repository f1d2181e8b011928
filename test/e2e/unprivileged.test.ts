// emu as an unprivileged user: the node gets a user namespace in which that user
// is root, and everything else works as it does for root — but for the host's
// files, which pods see as a read-only view (root's files cannot even be changed
// in a container's own layer: the user namespace maps one id).
import { randomBytes } from 'node:crypto';
import { chownSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { plantTool, plantTree, removeCanaries, snapshot } from '../helpers/canaries.ts';
import { asNobody, checkoutReadableByNobody, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const NOBODY = 65534;
const { env, home, cleanup } = testHome('unprivileged');
chownSync(home, NOBODY, NOBODY);
const emuAsNobody = (args: string[], extra: Record<string, string> = {}) =>
  asNobody([process.execPath, `${ROOT}bin/emu.mjs`, ...args], { env: { ...env, PATH: process.env.PATH!, HOME: home, ...extra }, extendEnv: false });

describe.skipIf(!checkoutReadableByNobody)('as an unprivileged user (user namespaces)', () => {
  afterAll(async () => {
    await emuAsNobody(['down', '--volumes']);
    cleanup();
  });

  it('runs the tutorial StatefulSet with identity, DNS and per-pod storage', async () => {
    const applied = await emuAsNobody(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait']);
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    const daemon = processesOf(home).find((p) => p.includes('__daemon'))!;
    const uid = (await execa('stat', ['-c', '%u', `/proc/${daemon.split(' ')[0]}`])).stdout;
    expect(uid).toBe(String(NOBODY)); // really unprivileged on the host
    expect((await emuAsNobody(['exec', 'web-0', '--', 'hostname'])).stdout).toBe('web-0');
    expect((await emuAsNobody(['exec', 'web-1', '--', 'id', '-u'])).stdout).toBe('0'); // root inside
    await emuAsNobody(['exec', 'web-1', '--', 'sh', '-c', 'echo hello from web-1 > /usr/share/nginx/html/index.html']);
    let page = '';
    for (let i = 0; i < 50 && page !== 'hello from web-1'; i++) page = (await emuAsNobody(['exec', 'web-0', '--', 'curl', '-s', 'http://web-1.nginx/'])).stdout;
    expect(page).toBe('hello from web-1');
  });

  it("keeps what a pod changes in the host's files in its own layer, or refuses it; the host is unchanged", async () => {
    const tag = randomBytes(4).toString('hex');
    const tree = plantTree('/srv', tag);
    for (const path of [tree.root, ...tree.files, `${tree.root}/sub`, `${tree.root}/sub/deep`]) chownSync(path, NOBODY, NOBODY); // the user's own files
    const tool = plantTool('/usr/local/bin', tag); // root's
    const planted = [tree.root, tool, `${tool}.off`];
    try {
      const before = snapshot(planted);
      const own = await emuAsNobody(['exec', 'web-0', '--', 'sh', '-c', `echo changed >> ${tree.root}/a.txt && rm -rf ${tree.root}/sub && cat ${tree.root}/a.txt`]);
      expect(own).toMatchObject({ exitCode: 0, stdout: 'canary\nchanged' });
      const roots = await emuAsNobody(['exec', 'web-0', '--', 'mv', tool, `${tool}.off`]);
      expect(roots.exitCode).not.toBe(0); // root's file, read-only here
      expect(snapshot(planted)).toEqual(before);
      expect((await emuAsNobody(['exec', 'web-1', '--', 'cat', `${tree.root}/a.txt`])).stdout).toBe('canary');
    } finally {
      removeCanaries(planted);
    }
  });

  it('runs the MySQL scenario (mount points made in the containers\' own layers)', async () => {
    const run = await emuAsNobody(['run', `${ROOT}scenarios/mysql-rw.ts`], { EMU_CLUSTER: '' }); // its own cluster, named after the file
    expect(run.stdout.split('\n').at(-1), run.stdout + run.stderr).toBe('PASS: 8 passed, 0 failed');
    expect(run.exitCode).toBe(0);
  });
});
