// The `mysql` image (emu's native MariaDB behind docker/mysql/entrypoint.sh) on a
// real cluster, through the CLI: does it behave like the official image?
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, ROOT, testHome, until } from '../helpers/emu-cli.ts';

const FIXTURES = `${ROOT}test/images/fixtures/`;

type Env = Record<string, string>;

const podsOf = async (env: Env) => JSON.parse((await emu(['get', 'pods', '-o', 'json'], env)).stdout).items as any[];
const podOf = async (env: Env, name: string) => (await podsOf(env)).find((p) => p.metadata.name === name);
const isReady = (pod: any) => pod?.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';

describe('mysql image: MYSQL_* env, initdb, conf.d, persistence', () => {
  const { env, home, cleanup } = testHome('mysql-image');
  const APP_PW = 'sh0pper-secret';
  /** SQL as root over the container's socket (no password needed inside the container). */
  const rootSql = (query: string, client = 'mysql') => emu(['exec', 'db-0', '--', client, '-N', '-B', '-e', query], env);
  /** SQL as the application user over TCP, in database shop. */
  const appSql = (query: string) => emu(['exec', 'db-0', '--', 'mysql', '-h', '127.0.0.1', '-ushopper', `-p${APP_PW}`, '-N', '-B', 'shop', '-e', query], env);

  beforeAll(async () => {
    const applied = await emu(['apply', '-f', `${FIXTURES}mysql-image.yaml`, '--wait', '--timeout', '120'], env, { timeoutMs: 150_000 });
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain('statefulset.apps/db created');
    expect(isReady(await podOf(env, 'db-0'))).toBe(true);
  }, 180_000);
  afterAll(async () => expect(await downAndCleanup({ env, home, cleanup })).toEqual([]), 60_000);

  it('prints a generated root password that works over TCP; root needs no password on the socket', async () => {
    const logs = (await emu(['logs', 'db-0'], env)).stdout;
    const match = /GENERATED ROOT PASSWORD: (\S+)/.exec(logs);
    expect(match, logs).not.toBeNull();
    const password = match![1];
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);

    const tcp = await emu(['exec', 'db-0', '--', 'mysql', '-h', '127.0.0.1', '-uroot', `-p${password}`, '-N', '-B', '-e', 'SELECT CURRENT_USER()'], env);
    expect(tcp.stderr).toBe('');
    expect(tcp.stdout).toBe('root@%');
    const wrong = await emu(['exec', 'db-0', '--', 'mysql', '-h', '127.0.0.1', '-uroot', '-pnot-the-password', '-e', 'SELECT 1'], env);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('Access denied for user');

    const socket = await rootSql('SELECT CURRENT_USER()');
    expect(socket.exitCode).toBe(0);
    expect(socket.stdout).toBe('root@localhost');
  });

  it('creates MYSQL_DATABASE and MYSQL_USER: the user writes to shop but cannot create other databases', async () => {
    const write = await appSql("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(32)); INSERT INTO orders VALUES (1, 'apple'); SELECT item FROM orders");
    expect(write.stderr).toBe('');
    expect(write.stdout).toBe('apple');
    // Also through the headless Service's per-pod DNS name.
    const viaDns = await emu(['exec', 'db-0', '--', 'mysql', '-h', 'db-0.db', '-ushopper', `-p${APP_PW}`, '-N', '-B', 'shop', '-e', 'SELECT COUNT(*) FROM orders'], env);
    expect(viaDns.stderr).toBe('');
    expect(viaDns.stdout).toBe('1');

    const other = await appSql('CREATE DATABASE elsewhere');
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/ERROR 1044 .*Access denied for user 'shopper'@'%' to database 'elsewhere'/);
    expect((await rootSql("SHOW DATABASES LIKE 'elsewhere'")).stdout).toBe('');
    // The official images never keep the `test` database.
    const databases = (await rootSql('SHOW DATABASES')).stdout.split('\n');
    expect(databases).toContain('shop');
    expect(databases).not.toContain('test');
  });

  it('ran the initdb scripts once, in sorted order (.sql, then the sourced .sh with "${mysql[@]}")', async () => {
    expect((await appSql('SELECT note FROM seed')).stdout).toBe('seeded by 01-seed.sql');
    // 02-marker.sh saw exactly one seed row: 01-seed.sql had already run.
    expect((await appSql('SELECT seen_seed_rows FROM marker')).stdout).toBe('1');
    const logs = (await emu(['logs', 'db-0'], env)).stdout;
    const sqlAt = logs.indexOf('running /docker-entrypoint-initdb.d/01-seed.sql');
    const shAt = logs.indexOf('sourcing /docker-entrypoint-initdb.d/02-marker.sh');
    expect(sqlAt, logs).toBeGreaterThan(-1);
    expect(shAt, logs).toBeGreaterThan(sqlAt);
    expect(logs).toContain('02-marker.sh: seeding the marker table');
  });

  it('reads /etc/mysql/conf.d and has hostname = pod name', async () => {
    expect((await rootSql('SELECT @@max_connections')).stdout).toBe('77');
    expect((await rootSql('SELECT @@hostname')).stdout).toBe('db-0');
  });

  it('has both client commands, mariadb and mysql', async () => {
    const viaMariadb = await rootSql('SELECT VERSION(), CURRENT_USER()', 'mariadb');
    const viaMysql = await rootSql('SELECT VERSION(), CURRENT_USER()', 'mysql');
    expect(viaMariadb.exitCode).toBe(0);
    expect(viaMariadb.stdout).toMatch(/^\d+\.\d+\.\d+-MariaDB\S*\troot@localhost$/);
    expect(viaMysql.stdout).toBe(viaMariadb.stdout);
  });

  it('keeps the data across a reschedule (new IP) and does not run the initdb scripts again', async () => {
    expect((await appSql("INSERT INTO orders VALUES (2, 'pear')")).exitCode).toBe(0);
    const before = await podOf(env, 'db-0');
    expect((await emu(['delete', 'pod', 'db-0'], env)).stdout).toBe('pod "db-0" deleted');

    const after = await until('db-0 to be recreated and Ready', async () => {
      const pod = await podOf(env, 'db-0');
      return pod && pod.metadata.uid !== before.metadata.uid && isReady(pod) ? pod : undefined;
    }, 90_000);
    expect(after.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(after.status.podIP).not.toBe(before.status.podIP);

    expect((await appSql('SELECT item FROM orders ORDER BY id')).stdout).toBe('apple\npear');
    expect((await appSql('SELECT COUNT(*) FROM seed')).stdout).toBe('1');
    expect((await appSql('SELECT COUNT(*) FROM marker')).stdout).toBe('1');
    const logs = (await emu(['logs', 'db-0'], env)).stdout;
    expect(logs).toContain('Entrypoint script for MariaDB Server started.');
    expect(logs).not.toContain('GENERATED ROOT PASSWORD');
    expect(logs).not.toContain('/docker-entrypoint-initdb.d/');
    // conf.d still applies to the restarted server.
    expect((await rootSql('SELECT @@max_connections')).stdout).toBe('77');
  }, 120_000);
});

describe('mysql image without a root password setting', () => {
  const { env, home, cleanup } = testHome('mysql-nopw');
  // Short CrashLoopBackOff waits; the daemon reads it, so it goes with the apply that starts it.
  const scaled = { ...env, EMU_TIME_SCALE: '0.05' };

  beforeAll(async () => {
    const applied = await emu(['apply', '-f', `${FIXTURES}mysql-no-password.yaml`], scaled);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('statefulset.apps/nopw created');
  }, 60_000);
  afterAll(async () => expect(await downAndCleanup({ env, home, cleanup })).toEqual([]), 60_000);

  it('exits with the official error and crash-loops with restarts', async () => {
    const pod = await until('nopw-0 to crash-loop with restarts', async () => {
      const p = await podOf(env, 'nopw-0');
      const c = p?.status?.containerStatuses?.[0];
      // In the back-off itself: between crashes the container runs for a moment (and, without a probe, is even ready).
      return c && c.restartCount >= 2 && c.state.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    }, 60_000);
    const status = pod.status.containerStatuses[0];
    expect(status.ready).toBe(false);
    expect(status.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(isReady(pod)).toBe(false);

    const previous = await emu(['logs', 'nopw-0', '--previous'], env);
    expect(previous.exitCode).toBe(0);
    expect(previous.stdout + previous.stderr).toContain('[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified');
    expect(previous.stdout + previous.stderr).toContain('You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD');

    // Between crashes the container runs for a moment (Running, with no readiness probe even
    // 1/1): wait (bounded) for the table to show the crash loop itself.
    const row = /^nopw-0\s+0\/1\s+(CrashLoopBackOff|Error)\s+([2-9]|\d\d+)\s/;
    await until('emu get pods to show nopw-0 crash-looping', async () => ((await emu(['get', 'pods'], env)).stdout.split('\n').find((line) => row.test(line)) ? true : undefined), 60_000);
  }, 90_000);
});
