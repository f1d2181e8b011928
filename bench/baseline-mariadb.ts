// Baseline for the MySQL numbers: one bare MariaDB server started by hand, no
// emu and no namespaces: install-db + start (cold), start on existing data (warm).
import { mkdtemp, rm } from 'node:fs/promises';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { pollUntil } from '../src/util/deadline.ts';
import { timed } from './stats.ts';

async function startServer(dir: string) {
  const server = execa('mariadbd', ['--no-defaults', `--datadir=${dir}/data`, `--socket=${dir}/sock`, `--pid-file=${dir}/pid`, '--skip-networking', '--user=root', '--skip-log-bin'], { reject: false });
  await pollUntil('bare mariadbd to answer', () => mysql.createConnection({ socketPath: `${dir}/sock`, user: 'root' }).then((c) => c.end().then(() => true)).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 10 });
  return { server }; // wrapped: returning the process itself would wait for its exit
}

export async function benchBareMariadb(workDir: string) {
  const dir = await mkdtemp(`${workDir}/bare-mariadb-`);
  const cold = await timed(async () => {
    await execa('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db']);
    return startServer(dir);
  });
  cold.value.server.kill('SIGTERM');
  await cold.value.server;
  const warm = await timed(() => startServer(dir));
  warm.value.server.kill('SIGTERM');
  await warm.value.server;
  await rm(dir, { recursive: true, force: true });
  return { coldMs: cold.ms, warmMs: warm.ms };
}
