// Claims and persistentVolumeClaimRetentionPolicy on real pods: Retain keeps the
// data across `delete statefulset` and re-apply; Delete removes claims on
// scale-down (whenScaled) and with the set (whenDeleted).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('retention');
const web = `${ROOT}scenarios/manifests/web.yaml`;
const claim = (name: string) => `${home}/clusters/retention/volumes/default/${name}`;
const podNames = async () => (await emu(['get', 'pods', '-o', 'name'], env)).stdout;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

describe('claim retention', () => {
  afterAll(async () => expect(await downAndCleanup({ env, home, cleanup })).toEqual([]));

  it('Retain (the default): delete statefulset keeps the claims, and a re-applied set finds its data', async () => {
    expect((await emu(['apply', '-f', web, '--wait'], env)).exitCode).toBe(0);
    await emu(['exec', 'web-1', '--', 'sh', '-c', 'echo kept > /usr/share/nginx/html/marker'], env);
    expect((await emu(['delete', 'statefulset', 'web'], env)).stdout).toBe('statefulset.apps "web" deleted');
    expect(await podNames()).toBe('');
    expect(readFileSync(`${claim('www-web-1')}/marker`, 'utf8')).toBe('kept\n');
    expect((await emu(['apply', '-f', web, '--wait'], env)).stdout).toContain('statefulset.apps/web created');
    expect((await emu(['exec', 'web-1', '--', 'cat', '/usr/share/nginx/html/marker'], env)).stdout).toBe('kept');
    expect((await emu(['delete', 'statefulset', 'web'], env)).exitCode).toBe(0);
  });

  it('Delete: scale-down removes the claim once the pod is gone; deleting the set removes the rest', async () => {
    const file = `${home}/web-delete.yaml`;
    writeFileSync(file, readFileSync(web, 'utf8').replace('replicas: 2', 'replicas: 2\n  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Delete\n    whenDeleted: Delete'));
    expect((await emu(['apply', '-f', file, '--wait'], env)).exitCode).toBe(0);
    expect(existsSync(claim('www-web-1'))).toBe(true);
    await emu(['scale', 'statefulset', 'web', '--replicas', '1'], env);
    await until('www-web-1 to be deleted', async () => !existsSync(claim('www-web-1')));
    expect(await podNames()).toBe('pod/web-0');
    expect(existsSync(claim('www-web-0'))).toBe(true);
    expect((await emu(['delete', 'statefulset', 'web'], env)).exitCode).toBe(0);
    // As in Kubernetes, the set goes first; its pods, then (once no pod uses it) the claim follow.
    await until('www-web-0 to be deleted with the set', async () => !existsSync(claim('www-web-0')));
    expect((await emu(['get', 'pvc', '-o', 'name'], env)).stdout).toBe('');
  });
});
