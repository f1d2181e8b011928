// MySQL primary/replicas on real MariaDB: an application that writes to
// mysql-0.mysql and reads from mysql-1.mysql / mysql-2.mysql keeps routing
// correctly while pods are rescheduled, because names, roles and data follow
// the ordinal. Run: emu run scenarios/mysql-rw.ts
import { defineScenario } from 'emu';
import { errno, queryHost, RwClient } from './lib/rw-client.ts';

const app = { user: 'app', password: 'app-secret', database: 'app' };
const root = { user: 'root', password: 'r00t-secret', database: 'app' };
const pods = ['mysql-0', 'mysql-1', 'mysql-2'];
const host = (pod: string) => `${pod}.mysql`;

export default defineScenario({
  name: 'MySQL read/write routing across reschedules',
  manifests: ['manifests/mysql.yaml'],
  async run(t) {
    const db = new RwClient({ write: ['mysql-0.mysql'], read: ['mysql-1.mysql', 'mysql-2.mysql'], ...app });
    const acknowledged: number[] = []; // ids of every write the application was told succeeded
    let nextId = 1;
    const write = async (via = 'app') => {
      const id = nextId++;
      await db.write('INSERT INTO orders (id, via, written_on) VALUES (?, ?, @@server_id)', [id, via]);
      acknowledged.push(id);
      return id;
    };

    /** Every replica has applied everything the primary has (bounded wait on the GTID position). */
    const caughtUp = async (replicas: string[]) => {
      const [{ pos }] = await queryHost<{ pos: string }>(host('mysql-0'), root, 'SELECT @@gtid_binlog_pos AS pos');
      for (const replica of replicas) {
        const [{ waited }] = await queryHost<{ waited: number }>(host(replica), root, 'SELECT MASTER_GTID_WAIT(?, 20) AS waited', [pos]);
        t.check.equal(waited, 0, `${replica} reaches the primary's GTID position ${pos}`);
      }
    };
    /** Every acknowledged write is on every pod: zero lost. */
    const nothingLost = async (onPods: string[]) => {
      for (const pod of onPods) {
        const rows = await queryHost<{ id: number }>(host(pod), root, 'SELECT id FROM orders');
        const present = new Set(rows.map((r) => r.id));
        t.check.equal(acknowledged.filter((id) => !present.has(id)), [], `acknowledged writes missing on ${pod}`);
      }
    };

    await t.step('a. every write through mysql-0.mysql lands on the primary (server_id 100, mysql-0)', async () => {
      await db.write('CREATE TABLE orders (id INT PRIMARY KEY, via VARCHAR(20), written_on INT)');
      const [{ id, name }] = await queryHost<{ id: number; name: string }>('mysql-0.mysql', app, 'SELECT @@server_id AS id, @@hostname AS name');
      t.check.equal([id, name], [100, 'mysql-0'], 'the write host is the primary');
      for (let i = 0; i < 20; i++) await write();
      const servers = await queryHost<{ on: number }>(host('mysql-0'), app, 'SELECT DISTINCT written_on AS `on` FROM orders');
      t.check.equal(servers.map((s) => s.on), [100], 'server that executed each write');
    });

    await t.step('b. reads go to replicas (101, 102) and see the writes once caught up', async () => {
      await caughtUp(['mysql-1', 'mysql-2']);
      const served = new Set<number>();
      for (let i = 0; i < 6; i++) {
        const [row] = await db.read<{ id: number; n: number }>('SELECT @@server_id AS id, COUNT(*) AS n FROM orders');
        served.add(row.id);
        t.check.equal(row.n, acknowledged.length, `rows seen by replica ${row.id}`);
      }
      t.check.equal([...served].sort(), [101, 102], 'servers answering reads');
    });

    await t.step('c. a write sent to a replica is refused (read-only) and appears nowhere', async () => {
      const error = await t.check.rejects(queryHost('mysql-1.mysql', app, "INSERT INTO orders VALUES (-1, 'replica', @@server_id)"), 'a write on a replica must fail');
      t.check.equal(errno(error), 1290, 'MySQL error number (ER_OPTION_PREVENTS_STATEMENT)');
      await caughtUp(['mysql-1', 'mysql-2']);
      for (const pod of pods) {
        const [{ n }] = await queryHost<{ n: number }>(host(pod), root, 'SELECT COUNT(*) AS n FROM orders WHERE id = -1');
        t.check.equal(n, 0, `rows of the refused write on ${pod}`);
      }
    });

    await t.step('d. contrast: writes through a ClusterIP Service over all pods are mostly refused', async () => {
      let refused = 0;
      let accepted = 0;
      for (let i = 0; i < 30; i++) {
        const id = nextId++;
        try {
          await queryHost('mysql-any', app, "INSERT INTO orders VALUES (?, 'mysql-any', @@server_id)", [id]);
          acknowledged.push(id);
          accepted++;
        } catch (error) {
          t.check.equal(errno(error), 1290, 'why a write through mysql-any failed');
          refused++;
        }
      }
      t.note(`${refused} of 30 writes through Service mysql-any were refused (ERROR 1290), ${accepted} landed on the primary`);
      t.check.ok(refused > 0 && accepted > 0, 'connections spread over primary and replicas', `${accepted} accepted, ${refused} refused`);
    });

    await t.step('e. reschedule a replica: same name and server_id, new IP, data intact, reads work again', async () => {
      const before = t.pod('mysql-1');
      const [{ n: rowsBefore }] = await queryHost<{ n: number }>(host('mysql-1'), root, 'SELECT COUNT(*) AS n FROM orders');
      // The application keeps writing while mysql-1 is away.
      const after = await t.reschedule('mysql-1', { meanwhile: async () => { for (let i = 0; i < 10; i++) await write('during-replica-gap'); } });
      t.check.notEqual(after.ip, before.ip, 'mysql-1 gets a new IP');
      t.note(`mysql-1: ${before.ip} -> ${after.ip}`);
      const [me] = await queryHost<{ id: number; name: string; n: number }>(host('mysql-1'), root, 'SELECT @@server_id AS id, @@hostname AS name, COUNT(*) AS n FROM orders');
      t.check.equal([me.id, me.name], [101, 'mysql-1'], 'identity of the new mysql-1');
      t.check.ok(me.n >= rowsBefore, `mysql-1 still has its ${rowsBefore} rows`, me.n);
      await caughtUp(['mysql-1']);
      // The application's long-lived read pool reconnects by the same name: no configuration change.
      const seen = await t.eventually('the read pool to answer from both replicas', async () => {
        const ids = new Set<number>();
        for (let i = 0; i < 4; i++) ids.add((await db.read<{ id: number }>('SELECT @@server_id AS id'))[0].id);
        return ids.size === 2 ? [...ids].sort() : undefined;
      });
      t.check.equal(seen, [101, 102], 'replicas answering the application after the reschedule');
    });

    await t.step('f. reschedule the primary: failed writes error out, none is lost, replicas follow', async () => {
      const before = t.pod('mysql-0');
      let failures = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          await write('during-primary-gap').catch(() => failures++);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await t.reschedule('mysql-0');
      await t.eventually('a write through mysql-0.mysql to succeed again', () => write('after-primary-gap').then(() => true));
      writing = false;
      await writer;
      t.note(`${failures} writes failed with an error during the gap; ${acknowledged.length} acknowledged in all`);
      t.check.ok(failures > 0, 'writes during the gap fail with an error', failures);
      t.check.notEqual(t.pod('mysql-0').ip, before.ip, 'mysql-0 gets a new IP');
      const [{ id }] = await queryHost<{ id: number }>(host('mysql-0'), app, 'SELECT @@server_id AS id');
      t.check.equal(id, 100, 'the write host is still the primary');
      await caughtUp(['mysql-1', 'mysql-2']); // replicas reconnected by themselves
      await nothingLost(pods);
    });

    await t.step('g. scale to 4: mysql-3 (server-id 103) replicates; scaling back keeps its volume', async () => {
      await t.scale('mysql', 4);
      await t.waitForReady('mysql');
      const [{ id }] = await queryHost<{ id: number }>(host('mysql-3'), root, 'SELECT @@server_id AS id');
      t.check.equal(id, 103, 'server_id of mysql-3');
      await t.eventually('mysql-3 to have replication running', async () => {
        const [status] = await queryHost<{ Slave_SQL_Running: string }>(host('mysql-3'), root, 'SHOW SLAVE STATUS');
        return status?.Slave_SQL_Running === 'Yes' || undefined;
      });
      await caughtUp(['mysql-3']);
      await nothingLost(['mysql-3']);
      const volume = t.pod('mysql-3').volumeDirs;
      await t.scale('mysql', 3);
      await t.engine.waitFor('mysql-3 to be gone', () => (t.pods('mysql').length === 3 ? true : undefined), { timeoutMs: 60_000 });
      const claims = await t.claimDirs();
      t.check.ok(volume.every((dir) => claims.includes(dir)), 'mysql-3 volume kept after scale-down', claims);
      await db.close();
    });
  },
});
