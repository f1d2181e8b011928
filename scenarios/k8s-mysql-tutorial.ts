// The Kubernetes tutorial "Run a Replicated Stateful Application", its three
// manifests unchanged (mysql:5.7 + gcr.io/google-samples/xtrabackup:1.0, run natively
// on MariaDB 10.11 with mariabackup), step by step. The tutorial's client commands
// (`kubectl run mysql-client ... mysql -h ...`) run from inside a pod here.
// Run: emu run scenarios/k8s-mysql-tutorial.ts
import { existsSync } from 'node:fs';
import { byKind, defineScenario } from 'emu';

const tutorial = 'manifests/k8s-tutorials';
const primaryId = 100;

export default defineScenario({
  name: 'Kubernetes tutorial: replicated MySQL with xtrabackup cloning',
  manifests: [`${tutorial}/mysql-configmap.yaml`, `${tutorial}/mysql-services.yaml`, `${tutorial}/mysql-statefulset.yaml`],
  async run(t) {
    /**
     * The tutorial's client: `mysql -h HOST -e SQL` from inside a pod (mysql-0's mysql container), as root
     * without a password; a server that accepts but never answers is an error after 10 s, not a hang.
     */
    const mysql = async (host: string, sql: string, pod = 'mysql-0') => {
      const result = await t.exec(pod, ['mysql', '--connect-timeout=10', '-h', host, '-N', '-B', '-e', sql], 'mysql');
      return { ...result, stdout: result.stdout.trim() };
    };
    const query = async (host: string, sql: string) => {
      const result = await mysql(host, sql);
      if (result.exitCode !== 0) throw new Error(`mysql -h ${host} -e "${sql}": ${result.stderr.trim()}`);
      return result.stdout;
    };
    const replication = async (pod: string) => {
      // Vertical output (-E) names each field: `Slave_IO_Running: Yes`.
      const { stdout: status } = await t.exec('mysql-0', ['mysql', '-h', `${pod}.mysql`, '-E', '-e', 'SHOW SLAVE STATUS'], 'mysql');
      const field = (name: string) => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(status)?.[1];
      return { host: field('Master_Host'), io: field('Slave_IO_Running'), sql: field('Slave_SQL_Running'), gtid: field('Using_Gtid') };
    };
    /** A row written on the primary shows up on `pod` (replication applies). */
    const replicated = (pod: string, message: string) =>
      t.eventually(`'${message}' to reach ${pod}`, async () => ((await query(`${pod}.mysql`, `SELECT COUNT(*) FROM test.messages WHERE message = '${message}'`)) === '1' ? true : undefined), 60);
    /** The clone of `pod` came from `peer` over ncat, and replication started from the position the backup recorded. */
    const clonedFrom = async (pod: string, peer: string, via: 'xtrabackup_binlog_info' | 'xtrabackup_slave_info') => {
      const clone = await t.logs(pod, 'clone-mysql');
      t.check.ok(clone.includes(`ncat --recv-only ${peer}.mysql 3307`), `${pod} streams its clone from ${peer}.mysql:3307`, clone.split('\n').filter((l) => l.includes('ncat')));
      t.check.ok(/xtrabackup --prepare --target-dir=\/var\/lib\/mysql/.test(clone) && /completed OK!/.test(clone), `${pod} prepared the backup`, clone.slice(-400));
      // The sidecar's first run read the position (a restart would find it used: change_master_to.sql.orig).
      const sidecar = await t.logs(pod, 'xtrabackup', 0);
      t.check.equal(t.pod(pod).restarts, 0, `${pod}'s containers never restarted (its xtrabackup sidecar serves clones and stays up)`);
      // The tutorial's script reads xtrabackup_slave_info (cloned from a replica) or parses xtrabackup_binlog_info (from the primary).
      const used = sidecar.includes("sed -E 's/;$//g'") ? 'xtrabackup_slave_info' : sidecar.includes('cat xtrabackup_binlog_info') ? 'xtrabackup_binlog_info' : 'nothing';
      t.check.equal(used, via, `where ${pod} took its replication position from`);
      // (bash -x quotes the statement it runs: MASTER_LOG_FILE='\''mysqld-bin.000001'\'',  MASTER_LOG_POS=329)
      const change = /CHANGE MASTER TO MASTER_LOG_FILE=[^\w]*([\w.-]+\.\d+)[^\w]*\s*MASTER_LOG_POS=(\d+)/.exec(sidecar);
      t.check.ok(change, `${pod} started replication at a binlog file and position`, sidecar.split('\n').filter((l) => l.includes('CHANGE MASTER')));
      t.note(`${pod}: cloned from ${peer}, replicating from mysql-0 at ${change![1]}:${change![2]} (${via})`);
      const status = await replication(pod);
      t.check.equal(status, { host: 'mysql-0.mysql', io: 'Yes', sql: 'Yes', gtid: 'No' }, `replication of ${pod}`);
    };

    await t.step('a. mysql-1 and mysql-2 were cloned from their previous peer over ncat and replicate from mysql-0', async () => {
      t.check.equal((await replication('mysql-0')).io, undefined, 'mysql-0 is the primary: it replicates from nobody');
      await clonedFrom('mysql-1', 'mysql-0', 'xtrabackup_binlog_info');
      await clonedFrom('mysql-2', 'mysql-1', 'xtrabackup_slave_info');
      t.check.equal(await query('mysql-0.mysql', 'SELECT @@log_bin, @@read_only'), '1\t0', 'mysql-0 (log-bin): binary log on, writable');
      for (const pod of ['mysql-0', 'mysql-1', 'mysql-2']) {
        const ping = await t.exec(pod, ['mysqladmin', 'ping'], 'mysql');
        t.check.equal([ping.exitCode, ping.stdout.trim()], [0, 'mysqld is alive'], `the liveness probe's mysqladmin ping on ${pod}`);
      }
    });

    await t.step('b. the tutorial writes through mysql-0.mysql and reads the row back through mysql-read', async () => {
      await query('mysql-0.mysql', "CREATE DATABASE test; CREATE TABLE test.messages (message VARCHAR(250)); INSERT INTO test.messages VALUES ('hello');");
      for (const pod of ['mysql-1', 'mysql-2']) await replicated(pod, 'hello');
      t.check.equal(await query('mysql-read', 'SELECT * FROM test.messages'), 'hello', 'SELECT * FROM test.messages through mysql-read');
    });

    await t.step('c. mysql-read spreads connections over every Ready server (@@server_id 100, 101, 102)', async () => {
      const seen = new Map<string, number>();
      for (let i = 0; i < 30; i++) {
        const id = await query('mysql-read', 'SELECT @@server_id');
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      t.note(`30 connections through mysql-read: ${[...seen].sort().map(([id, n]) => `${id}×${n}`).join(', ')}`);
      t.check.equal([...seen.keys()].sort(), ['100', '101', '102'], '@@server_id answering through mysql-read');
    });

    await t.step('d. super-read-only on the replicas: even root gets ERROR 1290, while replication keeps applying', async () => {
      for (const pod of ['mysql-1', 'mysql-2']) t.check.equal(await query(`${pod}.mysql`, 'SELECT @@read_only'), '1', `${pod} (super-read-only) is read-only`);
      for (const [pod, host] of [['mysql-1', '127.0.0.1'], ['mysql-1', 'localhost'], ['mysql-2', '127.0.0.1']]) {
        const refused = await mysql(host, "INSERT INTO test.messages VALUES ('written on a replica')", pod);
        t.check.equal(refused.exitCode, 1, `root's INSERT on ${pod} via ${host} fails`);
        t.check.ok(refused.stderr.includes('ERROR 1290'), `root's INSERT on ${pod} via ${host} is refused with ERROR 1290 (read-only)`, refused.stderr.trim());
      }
      await query('mysql-0.mysql', "INSERT INTO test.messages VALUES ('while replicas are read-only')");
      for (const pod of ['mysql-1', 'mysql-2']) {
        await replicated(pod, 'while replicas are read-only');
        t.check.equal(await query(`${pod}.mysql`, "SELECT COUNT(*) FROM test.messages WHERE message = 'written on a replica'"), '0', `refused rows on ${pod}`);
      }
    });

    await t.step("e. break mysql-2's readiness (mv /usr/bin/mysql inside it): mysql-read stops sending to it; nothing outside that container changes; repair it", async () => {
      const serverIds = async (reads: number) => {
        const seen = new Set<string>();
        for (let i = 0; i < reads; i++) seen.add(await query('mysql-read', 'SELECT @@server_id'));
        return [...seen].sort();
      };
      const moved = await t.exec('mysql-2', ['mv', '/usr/bin/mysql', '/usr/bin/mysql.off'], 'mysql');
      t.check.equal([moved.exitCode, moved.stderr.trim()], [0, ''], 'mv /usr/bin/mysql /usr/bin/mysql.off in mysql-2');
      await t.engine.waitFor('mysql-2 to be not Ready', () => (t.pod('mysql-2').ready ? undefined : true), { timeoutMs: 60_000 });
      t.check.equal(await serverIds(20), ['100', '101'], '@@server_id through mysql-read while mysql-2 is not Ready');
      t.check.equal(existsSync('/usr/bin/mysql'), true, "the host's /usr/bin/mysql is still there");
      t.check.equal((await t.exec('mysql-2', ['test', '-x', '/usr/bin/mysql'], 'xtrabackup')).exitCode, 0, "mysql-2's xtrabackup container still has /usr/bin/mysql");
      t.check.equal((await t.exec('mysql-1', ['test', '-x', '/usr/bin/mysql'], 'mysql')).exitCode, 0, "mysql-1's mysql container still has /usr/bin/mysql");
      t.check.equal(t.pod('mysql-2').restarts, 0, 'mysql-2 is not restarted: its liveness probe (mysqladmin ping) still passes');
      const repaired = await t.exec('mysql-2', ['mv', '/usr/bin/mysql.off', '/usr/bin/mysql'], 'mysql');
      t.check.equal(repaired.exitCode, 0, 'mv /usr/bin/mysql.off /usr/bin/mysql in mysql-2');
      await t.engine.waitFor('mysql-2 to be Ready again', () => (t.pod('mysql-2').ready ? true : undefined), { timeoutMs: 60_000 });
      t.check.equal(await serverIds(30), ['100', '101', '102'], '@@server_id through mysql-read once mysql-2 is Ready again');
    });

    await t.step('f. delete mysql-2: it comes back with its data, skips the clone and resumes replication', async () => {
      const before = t.pod('mysql-2');
      const after = await t.reschedule('mysql-2');
      t.check.notEqual(after.ip, before.ip, 'mysql-2 gets a new IP');
      t.check.equal(after.volumeDirs, before.volumeDirs, 'mysql-2 keeps its volume');
      const clone = await t.logs('mysql-2', 'clone-mysql');
      t.check.ok(clone.includes('[[ -d /var/lib/mysql/mysql ]]') && !clone.includes('ncat'), 'the clone is skipped: the data already exists', clone.trim());
      await query('mysql-0.mysql', "INSERT INTO test.messages VALUES ('after mysql-2 came back')");
      await replicated('mysql-2', 'after mysql-2 came back');
      t.check.equal(await query('mysql-2.mysql', "SELECT COUNT(*) FROM test.messages WHERE message = 'hello'"), '1', 'the first row is still on mysql-2');
    });

    await t.step('g. scale to 5: mysql-3 clones from mysql-2, mysql-4 from mysql-3, and both replicate', async () => {
      await t.scale('mysql', 5);
      await t.waitForReady('mysql', 300);
      await clonedFrom('mysql-3', 'mysql-2', 'xtrabackup_slave_info');
      await clonedFrom('mysql-4', 'mysql-3', 'xtrabackup_slave_info');
      await query('mysql-0.mysql', "INSERT INTO test.messages VALUES ('after scaling to 5')");
      for (const pod of ['mysql-3', 'mysql-4']) {
        await replicated(pod, 'after scaling to 5');
        t.check.equal(await query(`${pod}.mysql`, 'SELECT @@server_id, COUNT(*) FROM test.messages'), `${primaryId + Number(pod.slice(-1))}\t4`, `server_id and rows of ${pod}`);
      }
    });

    await t.step('h. scale back to 3: mysql-4 and mysql-3 go, their claims stay', async () => {
      const claimsOf = (pods: string[]) => pods.flatMap((p) => t.pod(p).volumeDirs);
      const kept = claimsOf(['mysql-3', 'mysql-4']);
      await t.scale('mysql', 3);
      await t.engine.waitFor('mysql-3 and mysql-4 to be gone', () => (t.pods('mysql').length === 3 ? true : undefined), { timeoutMs: 120_000 });
      const claims = (await t.api.list(byKind('PersistentVolumeClaim')!, { namespace: t.namespace })).items.map((c) => c.metadata.name);
      t.check.equal(claims.filter((c) => /^data-mysql-\d$/.test(c)).sort(), ['data-mysql-0', 'data-mysql-1', 'data-mysql-2', 'data-mysql-3', 'data-mysql-4'], 'claims after scaling back to 3');
      t.check.ok(kept.length === 2, 'mysql-3 and mysql-4 had one claim each', kept);
      for (let i = 0; i < 6; i++) {
        const read = await mysql('mysql-read', "SELECT @@server_id, COUNT(*) FROM test.messages WHERE message = 'after scaling to 5'");
        t.check.equal([read.exitCode, read.stderr.trim(), read.stdout.split('\t')[1]], [0, '', '1'], `read ${i + 1} through mysql-read after scaling back (server ${read.stdout.split('\t')[0]})`);
      }
    });
  },
});
