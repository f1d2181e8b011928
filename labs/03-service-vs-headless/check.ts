// Lab 03's self-check: a Service over a Deployment sends each connection to a
// random pod; a headless Service gives each pod of a StatefulSet a name. The
// checks read nginx's access logs: who actually answered your curls.
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { curlRequests, fail, findObject, notAllReady, pass, podsOf, resolveIn, type LabContext, type LabStep } from 'emu';

const DIR = 'labs/03-service-vs-headless';
const THROUGH_SERVICE = `emu exec peer-0 -- sh -c 'for i in $(seq 12); do curl -s echo; done'`;
const BY_NAME = `emu exec peer-0 -- sh -c 'for i in $(seq 6); do curl -s peer-2.peer; done'`;

async function notThere(lab: LabContext, app: string, kind: string, want: number): Promise<string | undefined> {
  if (!(await findObject<Deployment | StatefulSet>(lab, kind, app))) return `there is no ${kind} "${app}" yet: \`emu apply -f ${DIR}/${app}.yaml --wait\` (section 1)`;
  return notAllReady(lab, app, want);
}

export const steps: LabStep[] = [
  {
    title: 'echo runs 3 replicas behind the Service echo, one virtual IP; peer runs peer-0..2 behind the headless Service peer',
    async check(lab) {
      const problem = (await notThere(lab, 'echo', 'Deployment', 3)) ?? (await notThere(lab, 'peer', 'StatefulSet', 3));
      if (problem) return fail(problem);
      const service = await findObject<{ spec?: { clusterIP?: string } }>(lab, 'Service', 'echo');
      const echo = await resolveIn(lab, 'peer-0', 'echo');
      if (echo.length !== 1 || echo[0] !== service?.spec?.clusterIP) return fail(`from peer-0, "echo" resolves to ${echo.join(', ') || 'nothing'}, not the Service's virtual IP: is the Service "echo" there (\`emu get svc\`)?`);
      const peers = (await podsOf(lab, 'peer')).map((p) => p.status?.podIP).sort();
      const headless = (await resolveIn(lab, 'peer-0', 'peer')).sort();
      if (headless.join() !== peers.join()) return fail(`from peer-0, "peer" resolves to ${headless.join(', ') || 'nothing'}, not to the three peer pods (${peers.join(', ')}): is the headless Service "peer" there?`);
      return pass(`echo → ${echo[0]} (virtual); peer → ${headless.join(', ')}`);
    },
  },
  {
    title: 'connections to the Service echo landed on several replicas, chosen at random',
    async check(lab) {
      const pods = await podsOf(lab, 'echo');
      const counts = await Promise.all(pods.map(async (p) => [p.metadata.name, (await curlRequests(lab, p.metadata.name)).length] as const));
      const total = counts.reduce((sum, [, n]) => sum + n, 0);
      const answered = counts.filter(([, n]) => n > 0);
      if (total === 0) return fail(`no echo replica has answered a curl yet: ${THROUGH_SERVICE} (section 2)`);
      if (answered.length === 1 && total > 1) {
        return fail(`all ${total} requests reached ${answered[0][0]}: the Service picks a pod per connection, not per request — one curl with several URLs reuses one connection; make one connection per request: ${THROUGH_SERVICE}`);
      }
      if (answered.length === 1) return fail(`only one request so far, answered by ${answered[0][0]}: send a dozen: ${THROUGH_SERVICE}`);
      return pass(counts.map(([name, n]) => `${name}: ${n}`).join(', '));
    },
  },
  {
    title: 'peer-0 asked for peer-2.peer and reached peer-2',
    async check(lab) {
      const peer0 = (await lab.pod('peer-0'))?.status?.podIP;
      const fromPeer0 = async (pod: string) => (await curlRequests(lab, pod)).filter((r) => r.client === peer0).length;
      const hits = await fromPeer0('peer-2');
      if (hits < 3) return fail(`peer-2 has answered ${hits} request(s) from peer-0: ask it by name a few times: ${BY_NAME} (section 3)`);
      return pass(`peer-2 answered ${hits} requests from peer-0`);
    },
  },
];
