// emu doctor run for real on this machine: ready here; and the problems a
// laptop can have, made real for the run (a tool missing from PATH, the
// remembered API port taken, an EMU_HOME that cannot be created, an ordinary user), each ✗
// with its fix and exit 1.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { execa, execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { emu, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('doctor');
afterAll(() => t.cleanup());

/** Each check's line: mark, name, what was found, and the fix line under a ✗. */
function parse(stdout: string): Map<string, { ok: boolean; found: string; fix?: string }> {
  const checks = new Map<string, { ok: boolean; found: string; fix?: string }>();
  let last: { ok: boolean; found: string; fix?: string } | undefined;
  for (const line of stdout.split('\n')) {
    const head = line.match(/^([✓✗]) (.+?)(?: \(optional\))?: (.*)$/);
    if (head) checks.set(head[2], (last = { ok: head[1] === '✓', found: head[3] }));
    const fix = line.match(/^ {4}fix: (.*)$/);
    if (fix && last) last.fix = fix[1];
  }
  return checks;
}

describe('emu doctor', () => {
  it('finds this machine ready: every required check ✓, exit 0, every ✗ with a fix', async () => {
    const r = await emu(['doctor'], t.env);
    expect(r.exitCode).toBe(0);
    const checks = parse(r.stdout);
    for (const name of ['kernel ≥ 5.11', 'Node.js ≥ 20', 'user namespaces (unprivileged)', 'overlayfs in a mount namespace', 'pid_max ≥ 32768', 'memory ≥ 1 GiB free', 'unshare (util-linux)', 'ip (iproute2)', 'curl (curl)', 'image nginx (nginx)', 'EMU_HOME', 'disk ≥ 2 GiB free for EMU_HOME', 'API port on 127.0.0.1 (kubectl)']) {
      expect(checks.get(name), name).toMatchObject({ ok: true });
    }
    for (const [name, check] of checks) if (!check.ok) expect(check.fix, name).toBeTruthy();
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^ready: every required check passes/);
    expect(readdirSync(t.home)).toEqual([]); // it created nothing
  });

  it('names a tool missing from PATH with the package or PATH entry that brings it back', async () => {
    const bin = mkdtempSync('/var/tmp/emu-test-path-');
    for (const file of readdirSync('/usr/bin')) if (file !== 'curl' && file !== 'ip') symlinkSync(`/usr/bin/${file}`, `${bin}/${file}`);
    try {
      const r = await emu(['doctor'], { ...t.env, PATH: bin });
      expect(r.exitCode).toBe(1);
      const checks = parse(r.stdout);
      expect(checks.get('curl (curl)')).toEqual({ ok: false, found: 'not found on PATH', fix: 'apt-get install -y --no-install-recommends curl' });
      expect(checks.get('ip (iproute2)')).toEqual({ ok: false, found: 'not found on PATH', fix: 'it is in /usr/sbin, which is not on your PATH: export PATH="$PATH:/usr/sbin"' });
      expect(checks.get('unshare (util-linux)')).toMatchObject({ ok: true });
      expect(r.stdout.trim().split('\n').pop()).toBe('not ready: 2 required checks fail; apply the fixes above and run emu doctor again');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('reports the remembered API port taken by another program, and how to free it', async () => {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    const portFile = `${t.home}/clusters/${t.cluster}/api-port`;
    mkdirSync(`${t.home}/clusters/${t.cluster}`, { recursive: true });
    writeFileSync(portFile, `${port}\n`);
    try {
      const r = await emu(['doctor'], t.env);
      expect(r.exitCode).toBe(1);
      expect(parse(r.stdout).get('API port on 127.0.0.1 (kubectl)')).toEqual({
        ok: false,
        found: `${port} is taken by another program`,
        fix: `stop it (\`ss -ltnp 'sport = :${port}'\` names it), or \`rm ${portFile}\` so emu picks another port (then run \`emu kubeconfig --merge\` again)`,
      });
    } finally {
      server.close();
      rmSync(`${t.home}/clusters`, { recursive: true, force: true });
    }
  });

  it('refuses an EMU_HOME it cannot create, with where to put it instead; /tmp is fine', async () => {
    const file = join(mkdtempSync('/var/tmp/emu-test-doctor-file-'), 'a-file');
    writeFileSync(file, 'not a directory\n');
    try {
      const r = await emu(['doctor'], { ...t.env, EMU_HOME: `${file}/emu` });
      expect(r.exitCode).toBe(1);
      expect(parse(r.stdout).get('EMU_HOME')).toMatchObject({ ok: false, found: `${file}/emu (${file} is not a directory)`, fix: expect.stringContaining('export EMU_HOME=~/.emu') });
      const tmp = await emu(['doctor'], { ...t.env, EMU_HOME: '/tmp/emu-doctor-home' });
      expect(parse(tmp.stdout).get('EMU_HOME')).toMatchObject({ ok: true });
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  // An ordinary user needs the repository readable to run emu at all.
  const readable = execaSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', `${ROOT}node_modules/tsx/package.json`], { reject: false }).exitCode === 0;
  it.runIf(readable)('as an ordinary user, tries user namespaces and overlayfs inside one for real', async () => {
    const home = mkdtempSync('/var/tmp/emu-test-doctor-nobody-');
    chmodSync(home, 0o777);
    try {
      const r = await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, `${ROOT}bin/emu.mjs`, 'doctor'], { env: { EMU_HOME: `${home}/emu`, EMU_CLUSTER: 'doctor', PATH: process.env.PATH, HOME: home }, reject: false });
      const checks = parse(r.stdout);
      expect(checks.get('user namespaces (unprivileged)')).toEqual({ ok: true, found: 'available' });
      expect(checks.get('overlayfs in a user namespace')).toEqual({ ok: true, found: 'works' });
      expect(r.exitCode).toBe(0);
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
