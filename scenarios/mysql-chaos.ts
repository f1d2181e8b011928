// Chaos on replicated MySQL (the manifest of mysql-rw.ts): while a seeded
// schedule kills, pauses, partitions and deletes pods — the primary included —
// writers add to a set and read/write/cas registers through mysql-0.mysql,
// readers read through the replicas' names. Then the checkers say whether
// anything acknowledged was lost, whether the primary's registers were
// linearizable, whether writes went to the primary, whether replicas converged
// and whether a pod identity ever ran twice at once.
//
//   emu run scenarios/mysql-chaos.ts                 # 34 faults in a minute, a fresh seed (printed)
//   emu run scenarios/mysql-chaos.ts --seed 7        # the same schedule again
//   emu run scenarios/mysql-chaos.ts --seed 7 --plan # the schedule as JSON; nothing starts
//   CHAOS_SOAK=1 emu run scenarios/mysql-chaos.ts    # ≥300 faults (npm run chaos)
//   CHAOS_DURATION=20s emu run scenarios/mysql-chaos.ts --runtime docker  # a shorter schedule (11 faults)
//
// Planted bugs, each of which a checker must catch (test/chaos/mysql-chaos.test.ts),
// each in a shorter run (20 s of faults):
//   CHAOS_BUG=failover   mid-run, promote a lagging replica and send writes to it
//                        (faults go on around it, on mysql-0 and mysql-1)
//   CHAOS_BUG=clusterip  the application writes through the ClusterIP Service mysql-any
import mysql, { type Pool } from 'mysql2/promise';
import { defineScenario, type ErrorClassifier } from 'emu';
import { queryHost } from './lib/rw-client.ts';

const soak = Boolean(process.env.CHAOS_SOAK);
const bug = process.env.CHAOS_BUG as 'failover' | 'clusterip' | undefined;
const app = { user: 'app', password: 'app-secret', database: 'app' };
const root = { user: 'root', password: 'r00t-secret', database: 'app' };
const pods = ['mysql-0', 'mysql-1', 'mysql-2'];
const host = (pod: string) => `${pod}.mysql`;
const KEYS = 4;
const QUERY_TIMEOUT_MS = 1500;
const PAUSE_BETWEEN_OPS_MS = 15;

/** A cas whose old value did not match: it certainly changed nothing. */
class CasMismatch extends Error {}

/** Certain not to have happened: a cas that did not match, refused by a read-only server, or no connection was ever made. */
const classify: ErrorClassifier = (error) => {
  const e = error as { errno?: number; code?: string };
  if (error instanceof CasMismatch || e.errno === 1290) return 'fail';
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(e.code ?? '') ? 'fail' : 'info';
};

const pool = (name: string, user = app) => mysql.createPool({ host: name, ...user, connectionLimit: 4, connectTimeout: 1000, enableKeepAlive: true });

export default defineScenario({
  name: `MySQL under chaos${bug ? ` (planted bug: ${bug})` : ''}`,
  manifests: ['manifests/mysql.yaml'],
  chaos: {
    pods: [{ name: 'mysql-0', primary: true }, 'mysql-1', ...(bug === 'failover' ? [] : ['mysql-2'])],
    faults: ['pod-kill', 'pause', 'partition', 'pod-delete', 'container-kill'],
    targets: ['one', 'primaries'],
    interval: '1750ms',
    faultDuration: '800ms',
    // CI: 34 faults; npm run chaos: 411.
    duration: process.env.CHAOS_DURATION || (soak ? '12m' : bug ? '20s' : '60s'),
  },
  async run(t) {
    t.session.classify = classify;
    let writeHost = bug === 'clusterip' ? 'mysql-any' : host('mysql-0');
    let writes = pool(writeHost);
    const readers = [pool(host('mysql-1')), pool(host('mysql-2'))];
    const sql = async <T>(p: Pool, text: string, params: unknown[] = []) => (await p.query({ sql: text, timeout: QUERY_TIMEOUT_MS }, params))[0] as T;

    await t.step('tables for the set and the registers, on the primary', async () => {
      await queryHost(host('mysql-0'), app, 'CREATE TABLE elements (v INT PRIMARY KEY)');
      await queryHost(host('mysql-0'), app, 'CREATE TABLE registers (k INT PRIMARY KEY, v INT)');
      // Every register exists from the start, holding null (the checker's initial value): a cas from null can match.
      await queryHost(host('mysql-0'), app, `INSERT INTO registers (k) VALUES ${Array.from({ length: KEYS }, (_, k) => `(${k})`).join(', ')}`);
      await queryHost(host('mysql-0'), app, 'CREATE TABLE routes (id INT AUTO_INCREMENT PRIMARY KEY, via VARCHAR(40), server INT)');
    });

    let nextElement = 0;
    const attempted = new Set<number>();
    const written = new Map<number, Set<number>>(); // register key → values ever written
    const staleProblems: string[] = [];
    let working = true;
    let acknowledgedAdds = 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    const writer = async (id: number) => {
      const c = t.client();
      for (let i = 0; working; i++) {
        // Three adds, then a write, a cas and a read of one register; the next round, the next register.
        const pick = i % 6;
        const key = (Math.floor(i / 6) + id) % KEYS;
        if (pick <= 2) {
          const v = nextElement++;
          attempted.add(v);
          const outcome = await c.call({ f: 'add', key: 'set', value: v }, () => sql(writes, 'INSERT INTO elements VALUES (?)', [v]));
          if (outcome.type === 'ok') acknowledgedAdds++;
        } else if (pick === 3) {
          const v = id * 1_000_000 + i;
          written.set(key, (written.get(key) ?? new Set()).add(v));
          await c.call({ f: 'write', key, value: v }, () => sql(writes, 'INSERT INTO registers VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)', [key, v]));
        } else if (pick === 4) {
          const v = id * 1_000_000 + i;
          const old = [...(written.get(key) ?? [])].at(-1) ?? null;
          written.set(key, (written.get(key) ?? new Set()).add(v));
          await c.call({ f: 'cas', key, value: [old, v] }, async () => {
            const result = await sql<{ affectedRows: number }>(writes, 'UPDATE registers SET v = ? WHERE k = ? AND v <=> ?', [v, key, old]);
            if (result.affectedRows !== 1) throw new CasMismatch('cas: the register did not hold the old value');
          });
        } else {
          await c.call({ f: 'read', key, okValue: (rows: { v: number }[]) => rows[0]?.v ?? null }, () => sql<{ v: number }[]>(writes, 'SELECT v FROM registers WHERE k = ?', [key]));
        }
        // Where did the application's writes go? (A refused one still went to the wrong place.)
        if (i % 10 === 0) {
          await c.call({ f: 'write', key: 'route', value: { host: writeHost }, okValue: (r: { server_id: number }) => ({ host: writeHost, server_id: r.server_id }) }, async () => {
            const conn = await writes.getConnection();
            try {
              const [[{ id: server }]] = (await conn.query({ sql: 'SELECT @@server_id AS id', timeout: QUERY_TIMEOUT_MS })) as unknown as [{ id: number }[]];
              await conn.query({ sql: 'INSERT INTO routes (via, server) VALUES (?, @@server_id)', timeout: QUERY_TIMEOUT_MS }, [writeHost]).catch((e: { errno?: number }) => {
                if (e.errno !== 1290) throw e;
              });
              return { server_id: server };
            } finally {
              conn.release();
            }
          });
        }
        await sleep(PAUSE_BETWEEN_OPS_MS);
      }
    };

    const reader = async (id: number) => {
      const c = t.client();
      for (let i = 0; working; i++) {
        const replica = readers[(i + id) % readers.length];
        const outcome = await c.call({ f: 'read', key: 'replica-set', okValue: (rows: { v: number }[]) => rows.map((r) => r.v) }, () => sql<{ v: number }[]>(replica, 'SELECT v FROM elements'));
        if (outcome.type === 'ok') for (const { v } of outcome.result) if (!attempted.has(v)) staleProblems.push(`a replica returned element ${v}, which nobody ever added`);
        // Every read holds the whole set: in a 12-minute soak, a read a second keeps the history at a few hundred MB.
        await sleep(soak ? 1_000 : PAUSE_BETWEEN_OPS_MS * 4);
      }
    };

    await t.step('clients work through a seeded fault schedule', async () => {
      const chaos = await t.chaos();
      const clients = [writer(1), writer(2), writer(3), reader(1), reader(2)];
      if (bug === 'failover') {
        // The unsafe failover: mysql-2 stops replicating (it lags), is made writable, and writes move to it.
        await sleep(4_000);
        await queryHost(host('mysql-2'), root, 'STOP SLAVE');
        // It lags by some acknowledged writes (however the faults on mysql-0 slow them down).
        const before = acknowledgedAdds;
        await t.eventually('20 adds acknowledged by mysql-0 that mysql-2 never gets', () => acknowledgedAdds >= before + 20 || undefined, 30);
        await queryHost(host('mysql-2'), root, 'SET GLOBAL read_only = 0');
        writeHost = host('mysql-2');
        writes = pool(writeHost);
      }
      const outcomes = await chaos.done;
      working = false;
      await Promise.all(clients);
      const applied = outcomes.filter((o) => o.appliedAt !== undefined).length;
      t.note(`${applied} of ${outcomes.length} faults applied (seed ${chaos.outcomes.length ? t.session.seed : '-'})`);
      t.check.ok(applied >= Math.min(30, outcomes.length - 4), 'faults applied', `${applied} of ${outcomes.length}`);
    });

    await t.step('after healing, every pod is back and replicas catch up with the primary', async () => {
      await t.waitForReady('mysql', 120);
      if (bug === 'failover') return;
      const [{ pos }] = await queryHost<{ pos: string }>(host('mysql-0'), root, 'SELECT @@gtid_binlog_pos AS pos');
      for (const replica of ['mysql-1', 'mysql-2']) {
        const waited = await t.eventually(`${replica} to reach ${pos}`, async () => (await queryHost<{ w: number }>(host(replica), root, 'SELECT MASTER_GTID_WAIT(?, 5) AS w', [pos]))[0].w === 0 || undefined, 90);
        t.check.ok(waited, `${replica} reaches the primary's GTID position`);
      }
    });

    await t.step('final reads of the set and every register, from the write host', async () => {
      const c = t.client();
      await t.eventually('a final read of the set', async () => {
        const o = await c.call({ f: 'read', key: 'set', okValue: (rows: { v: number }[]) => rows.map((r) => r.v) }, () => sql<{ v: number }[]>(writes, 'SELECT v FROM elements'));
        return o.type === 'ok' || undefined;
      }, 60);
    });

    await t.step('checks: set-full, register, routing, convergence, identity; replicas never invent values', async () => {
      const ops = t.history.operations;
      const only = (test: (key: unknown) => boolean) => ops.filter((o) => o.process === 'nemesis' || test(o.key));
      const results = [
        await t.checks.setFull(only((k) => k === 'set')),
        await t.checks.register(only((k) => typeof k === 'number'), 20_000),
        await t.checks.routing(only((k) => k === 'route'), { primary: 100, writeHosts: [writeHost] }),
        await t.checks.convergence(await convergenceGroups()),
        await t.checks.identity(t.session.incarnations),
      ];
      for (const r of results) t.note(`${r.checker}: ${r.verdict} — ${r.summary}`);
      t.check.equal(staleProblems.slice(0, 3), [], 'values read from replicas that were never written');
      t.verdict(...results);
    });

    async function convergenceGroups() {
      const copy = async (pod: string) => {
        try {
          const rows = await queryHost<{ v: number }>(host(pod), root, 'SELECT v FROM elements ORDER BY v');
          const regs = await queryHost<{ k: number; v: number }>(host(pod), root, 'SELECT k, v FROM registers ORDER BY k');
          return { name: pod, rows: [...rows.map((r) => ({ element: r.v })), ...regs.map((r) => ({ register: r.k, v: r.v }))] };
        } catch (error) {
          return { name: pod, rows: null, error: (error as Error).message };
        }
      };
      const [reference, ...copies] = await Promise.all(pods.map(copy));
      return [{ name: 'tables app.elements and app.registers', reference, copies }];
    }

    await Promise.all([writes, ...readers].map((p) => p.end().catch(() => undefined)));
  },
});
