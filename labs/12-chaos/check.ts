// Lab 12's self-check: the primary killed under load, and the checker's
// verdict on what the load saw. The load (load.yaml) records a Jepsen-style
// history in its claim load-history; the chaos engine announces every fault as
// an Event from emu-chaos. The checks read both, and run the set-full checker
// on the history, as `emu check --model set-full` does.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { byKind, CHAOS_COMPONENT, checkSetFull, FAULT_INJECTED, fail, isReady, parseHistory, pass, readText, setFullRule, type ApiObject, type LabContext, type LabStep } from 'emu';

const CHAOS = 'emu chaos --selector app=mysql --faults pod-kill --targets primaries --primary mysql-0 --interval 5s --duration 30s';
const STOP = 'emu exec load -- touch /history/stop';
const historyFile = (lab: LabContext) => join(lab.claimDirectory('load-history'), 'history.jsonl');

/** The pod-kill faults the chaos engine injected, by target pod, oldest first. */
async function podKills(lab: LabContext): Promise<{ pod: string; at: number }[]> {
  const events = await lab.events({ reason: FAULT_INJECTED });
  return events
    .filter((e) => (e.source?.component ?? e.reportingComponent) === CHAOS_COMPONENT && / pod-kill: /.test(e.message ?? ''))
    .map((e) => ({ pod: e.involvedObject.name ?? '', at: Date.parse(e.firstTimestamp ?? e.eventTime ?? '') }));
}

export const steps: LabStep[] = [
  {
    title: 'a load adds to a set on the primary mysql-0.mysql and records a history',
    async check(lab) {
      for (const pod of ['mysql-0', 'mysql-1']) if (!isReady(await lab.pod(pod))) return fail(`${pod} is not Ready: this lab runs on lab 07's MySQL — finish lab 07, or \`emu apply -f labs/07-role-separation/solution/mysql.yaml --wait\` (section 1)`);
      const load = await lab.pod('load');
      if (!load) return fail('there is no load yet: `emu apply -f labs/12-chaos/load.yaml` (section 1)');
      const history = (await readText(historyFile(lab))) ?? '';
      const acknowledged = history.split('\n').filter((line) => line.includes('"type":"ok","f":"add"')).length;
      if (acknowledged < 20) return fail(`the load has ${acknowledged} acknowledged add(s) so far: give it a few seconds (\`emu logs load\`)`);
      return pass(`${acknowledged} adds acknowledged so far`);
    },
  },
  {
    title: 'pod-kill faults hit the primary mysql-0 while the load ran, and none is left in force',
    async check(lab) {
      const load = await lab.pod('load');
      const started = Date.parse(load?.metadata.creationTimestamp ?? '');
      const kills = (await podKills(lab)).filter((k) => !(k.at < started));
      if (!kills.length) return fail(`no pod-kill under load yet: ${CHAOS} (section 2)`);
      const onPrimary = kills.filter((k) => k.pod === 'mysql-0');
      if (!onPrimary.length) {
        const hit = [...new Set(kills.map((k) => k.pod))].join(', ');
        return fail(`the faults hit ${hit} only, not the primary: the load writes to mysql-0 and hardly noticed — aim at the primary: ${CHAOS} (section 2)`);
      }
      // Lasting faults (pause, partition, netem) are Fault objects in phase Active until healed.
      const { items } = await (await lab.api()).list<ApiObject & { status?: { phase?: string } }>(byKind('Fault')!, { namespace: lab.namespace });
      const active = items.filter((f) => f.status?.phase === 'Active');
      if (active.length) return fail(`${active.length} fault(s) still in force (${active.map((f) => f.metadata.name).join(', ')}): let emu chaos finish, or \`emu chaos heal\``);
      if (!isReady(await lab.pod('mysql-0'))) return fail('mysql-0 is not Ready again yet: wait for `emu get pods -l app=mysql -w`');
      return pass(`${onPrimary.length} kill(s) of mysql-0 under load`);
    },
  },
  {
    title: 'the load was stopped with a final read of the whole set',
    async check(lab) {
      try {
        await stat(join(lab.claimDirectory('load-history'), 'done'));
      } catch {
        return fail(`the load is still running: stop it after the faults — ${STOP} (section 3)`);
      }
      return pass();
    },
  },
  {
    title: "the set-full checker's verdict on your history: valid — every acknowledged add is in the reads after it",
    async check(lab) {
      const text = await readText(historyFile(lab));
      if (!text) return fail('there is no history yet: `emu apply -f labs/12-chaos/load.yaml` (section 1)');
      const result = checkSetFull(parseHistory(text, 'history.jsonl', setFullRule));
      if (result.verdict !== 'valid') return fail(`set-full: ${result.verdict} — ${result.summary}${result.problems.length ? ` (${result.problems[0]})` : ''}: read the witness with \`emu check --model set-full history.jsonl\``);
      return pass(`set-full: valid — ${result.summary}`);
    },
  },
];
