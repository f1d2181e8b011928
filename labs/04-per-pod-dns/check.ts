// Lab 04's self-check: `<pod>.<headless service>` is exactly that pod; the
// bare headless name is every Ready pod, and which one a client reaches is
// decided by the client's resolver, not by the ordinal. The checks read the
// pods' nginx access logs: who asked (client IP) and who answered.
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { curlRequests, fail, findObject, isReady, pass, podsOf, resolveIn, type LabContext, type LabStep, type LabPod } from 'emu';

const PODS = ['es-cluster-0', 'es-cluster-1', 'es-cluster-2'];
const SERVICE = 'es-headless-service';
const ASK_ALL = `for i in 0 1 2; do emu exec es-cluster-$i -- curl -s ${SERVICE}; done`;
const UNREADY = 'emu exec es-cluster-0 -- rm /usr/share/nginx/html/ready';
const READY_AGAIN = 'emu exec es-cluster-0 -- touch /usr/share/nginx/html/ready';

/** Who answered curls from whom: `asker → answerer` for every es-cluster pod that asked. */
async function answers(lab: LabContext, pods: LabPod[]): Promise<{ asker: string; answerer: string }[]> {
  const byIp = new Map(pods.map((p) => [p.status?.podIP, p.metadata.name]));
  const seen = await Promise.all(pods.map(async (p) => (await curlRequests(lab, p.metadata.name)).map((r) => ({ asker: byIp.get(r.client) ?? r.client, answerer: p.metadata.name }))));
  return seen.flat().filter((a) => a.asker.startsWith('es-cluster-'));
}

export const steps: LabStep[] = [
  {
    title: 'es-cluster-0..2 are Ready, and from every pod es-cluster-N.es-headless-service is exactly es-cluster-N',
    async check(lab) {
      if (!(await findObject<StatefulSet>(lab, 'StatefulSet', 'es-cluster'))) return fail('there is no StatefulSet "es-cluster" yet: `emu apply -f labs/04-per-pod-dns/es-names.yaml --wait` (section 1)');
      const pods = await Promise.all(PODS.map((name) => lab.pod(name)));
      const missing = PODS.filter((_, i) => !pods[i]);
      if (missing.length) return fail(`${missing.join(', ')} not there yet: wait for \`emu get pods -w\``);
      const unready = PODS.filter((_, i) => !isReady(pods[i]));
      if (unready.length) return fail(`${unready.join(', ')} not Ready, so without a record: wait for \`emu get pods -w\` (if you removed es-cluster-0's ready file: ${READY_AGAIN})`);
      for (const asker of PODS) {
        for (const [i, target] of PODS.entries()) {
          const got = await resolveIn(lab, asker, `${target}.${SERVICE}`);
          if (got.length !== 1 || got[0] !== pods[i]?.status?.podIP) return fail(`from ${asker}, ${target}.${SERVICE} resolves to ${got.join(', ') || 'nothing'}, but ${target} is at ${pods[i]?.status?.podIP}: wait a moment and check again`);
        }
      }
      return pass(PODS.map((name, i) => `${name} ${pods[i]?.status?.podIP}`).join(', '));
    },
  },
  {
    title: 'you asked es-headless-service from every es-cluster pod — and not every answer came from es-cluster-0',
    async check(lab) {
      const seen = await answers(lab, await podsOf(lab, 'es-cluster'));
      const askers = new Set(seen.map((a) => a.asker));
      const missing = PODS.filter((p) => !askers.has(p));
      if (missing.length) return fail(`${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} not asked yet (a pod's log starts again when it is recreated): ${ASK_ALL} (section 2)`);
      const elsewhere = seen.filter((a) => a.answerer !== 'es-cluster-0');
      if (!elsewhere.length) return fail(`every answer came from es-cluster-0 so far: ask from es-cluster-1 and es-cluster-2 too: ${ASK_ALL}`);
      return pass([...new Set(seen.map((a) => `${a.asker} → ${a.answerer}`))].join(', '));
    },
  },
  {
    title: 'with es-cluster-0 not Ready, es-headless-service left it out: es-cluster-0 itself was answered by another pod',
    async check(lab) {
      const seen = await answers(lab, await podsOf(lab, 'es-cluster'));
      const moved = seen.find((a) => a.asker === 'es-cluster-0' && a.answerer !== 'es-cluster-0');
      if (moved) return pass(`es-cluster-0 → ${moved.answerer}`);
      const recreated = (await lab.events({ kind: 'StatefulSet', name: 'es-cluster' })).some((e) => e.message === 'create Pod es-cluster-0 in StatefulSet es-cluster successful' && (e.count ?? 1) > 1);
      const ready = isReady(await lab.pod('es-cluster-0'));
      if (ready && recreated) return fail(`es-cluster-0 is Ready, so it is still in the records: deleting the pod brings it straight back — take it out of service without stopping it: ${UNREADY}, then ask again from es-cluster-0 (section 3)`);
      if (ready) return fail(`es-cluster-0 is Ready and in the records: ${UNREADY}, then \`emu exec es-cluster-0 -- curl -s ${SERVICE}\` (section 3)`);
      return fail(`es-cluster-0 is not Ready now: ask from it — \`emu exec es-cluster-0 -- curl -s ${SERVICE}\` (section 3)`);
    },
  },
  {
    title: 'es-cluster-0 is Ready again and back in es-headless-service',
    async check(lab) {
      const pod = await lab.pod('es-cluster-0');
      if (!isReady(pod)) return fail(`es-cluster-0 is not Ready: ${READY_AGAIN} (section 3)`);
      const listed = await resolveIn(lab, 'es-cluster-1', SERVICE);
      if (!listed.includes(pod!.status!.podIP!)) return fail(`es-cluster-0 is Ready but ${SERVICE} lists ${listed.join(', ')}: wait a moment and check again`);
      return pass(`${SERVICE} → ${listed.join(', ')}`);
    },
  },
];
