// MySQL StatefulSet timings on real MariaDB, through the engine.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import type { ScenarioContext } from '../src/scenario/context.ts';
import { applyManifests } from './apply.ts';
import { loadManifests } from '../src/manifest/load.ts';
import { pollUntil } from '../src/util/deadline.ts';
import { timed } from './stats.ts';

const root = { user: 'root', password: 'r00t-secret', database: 'app', connectTimeout: 1000 };
const query = async (host: string, sql: string, params: unknown[] = []) => {
  const conn = await mysql.createConnection({ host, ...root });
  try {
    return ((await conn.query(sql, params))[0]) as any[];
  } finally {
    await conn.end().catch(() => undefined);
  }
};
const ready = (t: ScenarioContext) => t.waitForReady('mysql', 120);

export async function benchMysql(t: ScenarioContext) {
  const manifests = await loadManifests([fileURLToPath(new URL('../scenarios/manifests/mysql.yaml', import.meta.url))]);
  const cold = await timed(async () => {
    await applyManifests(t, manifests);
    await ready(t);
  });
  await query('mysql-0.mysql', 'CREATE TABLE bench (id INT PRIMARY KEY)');

  await t.scale('mysql', 0);
  await t.engine.waitFor('mysql scaled to 0', () => (t.pods().length === 0 ? true : undefined), { timeoutMs: 120_000 });
  const warm = await timed(async () => {
    await t.scale('mysql', 3);
    await ready(t);
  });

  const replica = await timed(async () => {
    await t.deletePod('mysql-1');
    await ready(t);
  });

  // Primary: from delete until a row written to the new primary is on both replicas.
  let id = 1;
  const primary = await timed(async () => {
    await t.deletePod('mysql-0');
    await pollUntil('a write on the new primary', () => query('mysql-0.mysql', 'INSERT INTO bench VALUES (?)', [id]).then(() => true).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 10 });
    for (const r of ['mysql-1.mysql', 'mysql-2.mysql']) {
      await pollUntil(`${r} to replicate`, () => query(r, 'SELECT id FROM bench WHERE id = ?', [id]).then((rows) => (rows.length ? true : undefined)).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 10 });
    }
    id++;
  });
  return { coldMs: cold.ms, warmMs: warm.ms, replicaMs: replica.ms, primaryMs: primary.ms };
}

/** The whole scenario, as a user runs it (a nested emu run, its own node), on the default runtime or the one given. */
export async function benchMysqlScenario(runtime?: string): Promise<{ ms: number; passed: boolean }> {
  const bin = fileURLToPath(new URL('../bin/emu.mjs', import.meta.url));
  const scenario = fileURLToPath(new URL('../scenarios/mysql-rw.ts', import.meta.url));
  const args = [bin, 'run', scenario, '--json', ...(runtime ? ['--runtime', runtime] : [])];
  const run = await timed(() => execa(process.execPath, args, { reject: false, env: { EMU_CLUSTER: `bench-mysql-rw${runtime ? `-${runtime}` : ''}` } }));
  return { ms: run.ms, passed: run.value.exitCode === 0 };
}
