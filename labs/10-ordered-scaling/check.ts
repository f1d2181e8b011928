// Lab 10's self-check: OrderedReady starts one pod at a time, each after the
// one before is Ready, and scales down from the highest ordinal, one at a
// time; Parallel starts them together. The pods take ~2 s to become Ready, so
// the order shows in their creation and Ready times (whole seconds) and in the
// StatefulSet controller's events.
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, isReady, pass, podsOf, statefulSetActions, type LabContext, type LabStep } from 'emu';

const seconds = (iso: string | undefined) => Date.parse(iso ?? '') / 1000;
const created = (pod: Pod) => seconds(pod.metadata?.creationTimestamp);
const readySince = (pod: Pod) => seconds(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);

/** The set's first three pods (or as many as it has after a scale-down, at least two), all Ready. */
async function firstPods(lab: LabContext, set: string): Promise<Pod[] | string> {
  if (!(await findObject<StatefulSet>(lab, 'StatefulSet', set))) return `there is no StatefulSet "${set}" yet: \`emu apply -f labs/10-ordered-scaling/ordered.yaml -f labs/10-ordered-scaling/parallel.yaml --wait\` (section 1)`;
  const pods = (await podsOf(lab, set)).filter((p) => /-[012]$/.test(p.metadata.name));
  if (pods.length < 2 || !pods.every(isReady)) return `${set}'s pods are not all Ready yet: wait for \`emu get pods -l app=${set} -w\``;
  return pods;
}

export const steps: LabStep[] = [
  {
    title: 'ordered started ordered-0, -1, -2 one at a time, each after the one before was Ready',
    async check(lab) {
      const pods = await firstPods(lab, 'ordered');
      if (typeof pods === 'string') return fail(pods);
      for (let n = 1; n < pods.length; n++) {
        if (!(created(pods[n]) >= readySince(pods[n - 1]) && created(pods[n]) > created(pods[n - 1]))) {
          return fail(`ordered-${n} was created before ordered-${n - 1} was Ready: is ordered's podManagementPolicy OrderedReady? (\`emu delete statefulset ordered\`, then apply labs/10-ordered-scaling/ordered.yaml again)`);
        }
      }
      return pass(pods.map((p) => `${p.metadata?.name} created ${p.metadata?.creationTimestamp?.slice(11, 19)}`).join(', '));
    },
  },
  {
    title: 'parallel started parallel-0, -1, -2 together, without waiting for each other',
    async check(lab) {
      const pods = await firstPods(lab, 'parallel');
      if (typeof pods === 'string') return fail(pods);
      const last = Math.max(...pods.map(created));
      if (!(last < readySince(pods[0]))) return fail('a parallel pod was created after parallel-0 was Ready: was one of them rescheduled since? `emu delete statefulset parallel` and apply labs/10-ordered-scaling/parallel.yaml again');
      return pass(`all created by ${new Date(last * 1000).toISOString().slice(11, 19)}, before any was Ready`);
    },
  },
  {
    title: 'ordered was scaled up to 5 and down to 2: ordered-4 went first, then ordered-3, then ordered-2',
    async check(lab) {
      const deleted = await statefulSetActions(lab, 'ordered', 'delete');
      const at = (pod: string) => deleted.lastIndexOf(pod);
      const createdPods = await statefulSetActions(lab, 'ordered', 'create');
      if (at('ordered-2') < 0) {
        if (createdPods.filter((p) => /-[012]$/.test(p)).length > 3) return fail('ordered still wants its 3 replicas: a pod you delete comes straight back — deleting is not scaling; `emu scale statefulset ordered --replicas 5`, then `--replicas 2` (section 2)');
        if (!createdPods.includes('ordered-4')) return fail('ordered has not been scaled up yet: `emu scale statefulset ordered --replicas 5` (section 2)');
        return fail('ordered has not been scaled down to 2 yet: `emu scale statefulset ordered --replicas 2` (section 2)');
      }
      if (!createdPods.includes('ordered-4')) return fail('ordered went down without going up to 5 first: `emu scale statefulset ordered --replicas 5`, then `--replicas 2` (section 2)');
      if (!(at('ordered-4') < at('ordered-3') && at('ordered-3') < at('ordered-2'))) return fail(`ordered's pods went in the order ${deleted.join(', ')}: scale up to 5 and down to 2 again to watch the order`);
      const set = await findObject<StatefulSet>(lab, 'StatefulSet', 'ordered');
      if (set?.spec?.replicas !== 2 || set.status?.readyReplicas !== 2) return fail(`ordered has ${set?.status?.readyReplicas ?? 0} Ready pod(s) of ${set?.spec?.replicas}: this step ends with 2 (\`emu scale statefulset ordered --replicas 2\`)`);
      return pass(`deleted: ${deleted.join(', ')}`);
    },
  },
];
