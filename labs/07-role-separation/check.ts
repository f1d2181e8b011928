// Lab 07's self-check: one image, two roles. The participant writes the init
// container that gives each pod its role by ordinal: server-id = 100 +
// ordinal, primary.cnf for mysql-0, secondary.cnf for the others. The checks
// look into each pod's /etc/mysql/conf.d and ask each server what it runs as.
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { ConfigMap } from 'kubernetes-types/core/v1.d.ts';
import { fail, findObject, isReady, pass, type LabContext, type LabStep } from 'emu';

const PODS = ['mysql-0', 'mysql-1'];
const MYSQL = { container: 'mysql' };
const APPLY = 'emu apply -f my-mysql.yaml --wait';
const ROLE_FILE = (ordinal: number) => (ordinal === 0 ? 'primary.cnf' : 'secondary.cnf');

async function sql(lab: LabContext, pod: string, query: string): Promise<string[] | undefined> {
  const r = await lab.exec(pod, ['mysql', '-N', '-B', '-e', query], MYSQL);
  return r.exitCode === 0 ? r.stdout.trim().split(/\t/) : undefined;
}

async function allReady(lab: LabContext): Promise<string | undefined> {
  for (const pod of PODS) if (!isReady(await lab.pod(pod))) return `${pod} is not Ready: wait for \`emu get pods -l app=mysql -w\` (if it is stuck in Init, read its init container's log: \`emu logs ${pod} -c init-mysql\`)`;
  return undefined;
}

export const steps: LabStep[] = [
  {
    title: 'mysql runs mysql-0 and mysql-1 from one image, with your init container',
    async check(lab) {
      const config = await findObject<ConfigMap>(lab, 'ConfigMap', 'mysql');
      const set = await findObject<StatefulSet>(lab, 'StatefulSet', 'mysql');
      if (!config || !set) return fail(`there is no StatefulSet "mysql" yet: copy the manifest (\`cp labs/07-role-separation/mysql.yaml my-mysql.yaml\`), write the init container, then \`${APPLY}\` (sections 1–2)`);
      if (!config.data?.['primary.cnf'] || !config.data['secondary.cnf']) return fail('the ConfigMap mysql lacks primary.cnf or secondary.cnf: start again from labs/07-role-separation/mysql.yaml');
      const inits = set.spec?.template.spec?.initContainers ?? [];
      if (inits.length === 0) return fail(`the StatefulSet mysql has no init container: every pod starts alike (server-id 1, no role) — write one in my-mysql.yaml where the comment says, then \`${APPLY}\` (section 2)`);
      const images = new Set([...inits, ...(set.spec?.template.spec?.containers ?? [])].map((c) => c.image));
      const waiting = await allReady(lab);
      if (waiting) return fail(waiting);
      return pass(`image ${[...images].join(', ')}; init container ${inits.map((c) => c.name).join(', ')}`);
    },
  },
  {
    title: 'mysql-0 got primary.cnf and mysql-1 got secondary.cnf',
    async check(lab) {
      const waiting = await allReady(lab);
      if (waiting) return fail(waiting);
      for (const [ordinal, pod] of PODS.entries()) {
        const files = (await lab.exec(pod, ['ls', '/etc/mysql/conf.d'], MYSQL)).stdout.split(/\s+/).filter(Boolean);
        const want = ROLE_FILE(ordinal);
        const other = ROLE_FILE(ordinal === 0 ? 1 : 0);
        if (files.includes(other)) {
          return fail(`${pod} has ${other} in /etc/mysql/conf.d: your init container copies ${other} for ordinal ${ordinal} — it must pick by ordinal: primary.cnf for 0, secondary.cnf for any other (take the ordinal from the hostname: [[ $(hostname) =~ -([0-9]+)$ ]])`);
        }
        if (!files.includes(want)) return fail(`${pod} has no ${want} in /etc/mysql/conf.d (it has: ${files.join(', ') || 'nothing'}): your init container must copy /mnt/config-map/${want} to /mnt/conf.d/`);
      }
      return pass();
    },
  },
  {
    title: 'each server runs as its role: server-id 100 + ordinal, binary log on mysql-0, read-only mysql-1',
    async check(lab) {
      const waiting = await allReady(lab);
      if (waiting) return fail(waiting);
      for (const [ordinal, pod] of PODS.entries()) {
        const row = await sql(lab, pod, 'SELECT @@server_id, @@log_bin, @@read_only');
        if (!row) return fail(`${pod}'s server does not answer yet: wait a moment and check again`);
        const [serverId, logBin, readOnly] = row.map(Number);
        if (serverId !== 100 + ordinal) return fail(`${pod} runs with server-id ${serverId}, not ${100 + ordinal}: your init container must write server-id = 100 + ordinal into /mnt/conf.d/server-id.cnf ([mysqld] section)`);
        if (ordinal === 0 && (logBin !== 1 || readOnly !== 0)) return fail(`mysql-0 runs with log_bin=${logBin}, read_only=${readOnly}: it should be the writable primary with a binary log — primary.cnf`);
        if (ordinal > 0 && readOnly !== 1) return fail(`${pod} is not read-only: it should run secondary.cnf`);
      }
      return pass('mysql-0: server-id 100, log-bin; mysql-1: server-id 101, read-only');
    },
  },
  {
    title: 'mysql-1 replicates from mysql-0.mysql',
    async check(lab) {
      const waiting = await allReady(lab);
      if (waiting) return fail(waiting);
      const status = (await lab.exec('mysql-1', ['mysql', '-e', 'SHOW SLAVE STATUS\\G'], MYSQL)).stdout;
      const field = (name: string) => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(status)?.[1]?.trim();
      if (!status.trim()) return fail('mysql-1 has no replication configured yet: its `replication` sidecar sets it up within seconds of starting — check again, or read `emu logs mysql-1 -c replication`');
      if (field('Slave_IO_Running') !== 'Yes' || field('Slave_SQL_Running') !== 'Yes') {
        return fail(`mysql-1's replication is not running (IO ${field('Slave_IO_Running')}, SQL ${field('Slave_SQL_Running')}): ${field('Last_IO_Error') || field('Last_SQL_Error') || 'check again in a few seconds'}`);
      }
      return pass(`from ${field('Master_Host')}, ${field('Seconds_Behind_Master')} s behind`);
    },
  },
];
