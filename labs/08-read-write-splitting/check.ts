// Lab 08's self-check: an application configured with one write host (the
// primary, by pod name) and read hosts (replicas, by pod name) — and what goes
// wrong when writes go through a Service over every pod. The app logs each
// attempt to its claim app-log (/log/attempts); the checks read that log and
// the application's ConfigMap.
import { join } from 'node:path';
import type { ConfigMap } from 'kubernetes-types/core/v1.d.ts';
import { fail, findObject, isReady, pass, readText, type LabContext, type LabStep } from 'emu';

const WRITES = `emu exec app -- sh -c 'for i in 1 2 3; do /app/app.sh write note-$i; done'`;
const READS = 'emu exec app -- /app/app.sh read';
const THROUGH_SERVICE = `emu exec app -- sh -c 'for i in $(seq 10); do /app/app.sh write via-service mysql-any; done'`;
const PRIMARY = /^mysql-0\.mysql(\.default(\.svc(\.cluster\.local)?)?)?$/;
const REPLICA = /^mysql-[1-9]\d*\.mysql(\.default(\.svc(\.cluster\.local)?)?)?$/;

interface Attempt {
  op: 'write' | 'read';
  ok: boolean;
  host: string;
  rest: string;
}

async function attempts(lab: LabContext): Promise<Attempt[]> {
  const text = (await readText(join(lab.claimDirectory('app-log'), 'attempts'))) ?? '';
  return text.split('\n').flatMap((line) => {
    const m = /^\d+ (write|read) (ok|failed) (\S+) ?(.*)$/.exec(line);
    return m ? [{ op: m[1] as Attempt['op'], ok: m[2] === 'ok', host: m[3], rest: m[4] }] : [];
  });
}

export const steps: LabStep[] = [
  {
    title: 'the app writes to the primary by its pod name and reads from replicas by theirs',
    async check(lab) {
      for (const pod of ['mysql-0', 'mysql-1']) if (!isReady(await lab.pod(pod))) return fail(`${pod} is not Ready: this lab runs on lab 07's MySQL — finish lab 07, or \`emu apply -f labs/07-role-separation/solution/mysql.yaml --wait\` (section 1)`);
      const config = await findObject<ConfigMap>(lab, 'ConfigMap', 'app');
      if (!config) return fail('the application is not there yet: `emu apply -f labs/08-read-write-splitting/config.yaml -f labs/08-read-write-splitting/app.yaml --wait` (section 1)');
      const write = config.data?.WRITE_HOST ?? '';
      if (!PRIMARY.test(write)) {
        const service = await findObject<{ spec?: { clusterIP?: string } }>(lab, 'Service', write.split('.')[0]);
        const what = !service ? 'not a name in this cluster' : service.spec?.clusterIP === 'None' ? 'the bare headless name: every Ready pod, and the resolver picks one (lab 04)' : 'a Service over every mysql pod: each connection goes to a random one, and a replica refuses the write';
        return fail(`the app's WRITE_HOST is "${write}", ${what} — write to the primary by its pod name: WRITE_HOST: mysql-0.mysql (\`emu apply -f labs/08-read-write-splitting/config.yaml\`, then \`emu delete pod app\` and apply section 1 again, so the app starts with it)`);
      }
      const reads = (config.data?.READ_HOSTS ?? '').split(/[\s,]+/).filter(Boolean);
      const notReplica = reads.find((h) => !REPLICA.test(h));
      if (!reads.length || notReplica) return fail(`the app's READ_HOSTS are "${reads.join(' ')}": list replicas by pod name (mysql-1.mysql …)`);
      if (!isReady(await lab.pod('app'))) return fail('the app pod is not Ready yet: wait for `emu get pod app`');
      return pass(`writes → ${write}; reads → ${reads.join(', ')}`);
    },
  },
  {
    title: 'every write sent to mysql-0.mysql ran on the primary (server_id 100)',
    async check(lab) {
      const writes = (await attempts(lab)).filter((a) => a.op === 'write' && PRIMARY.test(a.host));
      const wrong = writes.find((a) => !a.ok || a.rest !== 'server_id=100');
      if (wrong) return fail(`a write to ${wrong.host} ${wrong.ok ? `ran on ${wrong.rest}` : `failed: ${wrong.rest}`}${/1146/.test(wrong.rest) ? ' — create the table first: `emu exec app -- /app/app.sh init`' : ''}`);
      if (writes.length < 3) return fail(`${writes.length} write(s) to mysql-0.mysql so far: \`emu exec app -- /app/app.sh init\`, then ${WRITES} (section 2)`);
      return pass(`${writes.length} writes, all on server_id 100`);
    },
  },
  {
    title: 'reads from mysql-1.mysql ran on a replica (server_id 101) and saw the writes',
    async check(lab) {
      const all = await attempts(lab);
      const read = all.filter((a) => a.op === 'read' && /^mysql-1\./.test(a.host)).at(-1);
      if (!read) return fail(`the app has not read from mysql-1.mysql yet: ${READS} (section 3)`);
      const m = /^server_id=(\d+) rows=(\d+)$/.exec(read.rest);
      if (!read.ok || !m) return fail(`the last read from mysql-1.mysql failed: ${read.rest}`);
      if (m[1] !== '101') return fail(`the read from mysql-1.mysql ran on server_id ${m[1]}, not the replica's 101`);
      if (Number(m[2]) < 3) return fail(`mysql-1 had ${m[2]} row(s) when you read: write first (${WRITES}), then ${READS}`);
      return pass(`mysql-1 (server_id 101) saw ${m[2]} rows`);
    },
  },
  {
    title: 'writes through the Service mysql-any: a replica refused some of them (ERROR 1290)',
    async check(lab) {
      const viaService = (await attempts(lab)).filter((a) => a.op === 'write' && a.host === 'mysql-any');
      if (!viaService.length) return fail(`no write through mysql-any yet: ${THROUGH_SERVICE} (section 4)`);
      const refused = viaService.filter((a) => !a.ok && /\b1290\b/.test(a.rest));
      if (!refused.length) return fail(`all ${viaService.length} writes through mysql-any happened to land on the primary: run it again — ${THROUGH_SERVICE}`);
      return pass(`${refused.length} of ${viaService.length} refused by the read-only replica`);
    },
  },
];
