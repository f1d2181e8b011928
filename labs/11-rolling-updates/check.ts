// Lab 11's self-check: RollingUpdate with a partition updates only the pods
// at or above it (a canary), from the highest ordinal down; OnDelete updates a
// pod only when you delete it. The checks compare each pod's image with its
// StatefulSet's template and read the controller's events.
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, isReady, pass, podsOf, statefulSetActions, type LabContext, type LabPod, type LabStep } from 'emu';

const OLD = 'registry.k8s.io/nginx-slim:0.21';
const NEW = 'registry.k8s.io/nginx-slim:0.24';
const SET_IMAGE = (set: string) => `kubectl set image statefulset/${set} nginx=${NEW}`;
const PARTITION_0 = `kubectl patch statefulset canary -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`;

const image = (pod: LabPod) => pod.spec?.containers[0]?.image;

async function setAndPods(lab: LabContext, set: string, section: number): Promise<{ set: StatefulSet; pods: LabPod[] } | string> {
  const found = await findObject<StatefulSet>(lab, 'StatefulSet', set);
  if (!found) return `there is no StatefulSet "${set}" yet: \`emu apply -f labs/11-rolling-updates/${set}.yaml --wait\` (section ${section})`;
  const pods = await podsOf(lab, set);
  if (pods.length !== 3 || !pods.every(isReady)) return `${set} has ${pods.filter(isReady).length} Ready pod(s) of 3: wait for \`kubectl rollout status statefulset/${set}\``;
  return { set: found, pods };
}

export const steps: LabStep[] = [
  {
    title: 'canary runs canary-0..2 with the RollingUpdate strategy (a partition holds updates back)',
    async check(lab) {
      const found = await setAndPods(lab, 'canary', 1);
      if (typeof found === 'string') return fail(found);
      if (found.set.spec?.updateStrategy?.type === 'OnDelete') return fail('canary uses OnDelete: re-apply labs/11-rolling-updates/canary.yaml');
      return pass(found.pods.map((p) => `${p.metadata.name} ${image(p)?.split(':')[1]}`).join(', '));
    },
  },
  {
    title: 'the new image went to canary-2 only, while the partition was 2',
    async check(lab) {
      const found = await setAndPods(lab, 'canary', 1);
      if (typeof found === 'string') return fail(found);
      if (found.set.spec?.template.spec?.containers[0]?.image !== NEW) return fail(`canary's template still has ${OLD}: \`${SET_IMAGE('canary')}\` (section 2)`);
      const partition = found.set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
      const updated = found.pods.filter((p) => image(p) === NEW).map((p) => p.metadata.name);
      if (partition === 2) {
        if (updated.join() !== 'canary-2') return fail(`with partition 2 the pods updated so far are ${updated.join(', ') || 'none'}: wait for \`kubectl rollout status statefulset/canary\``);
        return pass('canary-2 runs 0.24; canary-0 and canary-1 still run 0.21');
      }
      if (partition > 0) {
        const extra = updated.filter((name) => Number(name.split('-')[1]) < 2);
        return fail(`${extra.join(' and ') || 'more than canary-2'} ${extra.length > 1 ? 'run' : 'runs'} the new image too: the partition is ${partition}, so every ordinal ≥ ${partition} updates — a canary of one pod needs partition 2 (\`kubectl patch statefulset canary -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'\`)`);
      }
      // Partition 0 now (section 3): canary-2 must have been updated before the others.
      const deleted = await statefulSetActions(lab, 'canary', 'delete');
      if (!(deleted.indexOf('canary-2') >= 0 && deleted.indexOf('canary-2') < deleted.lastIndexOf('canary-1'))) return fail('canary-2 was not updated first: with partition 2 the new image reaches canary-2 alone (section 2)');
      return pass('canary-2 was updated first');
    },
  },
  {
    title: 'with partition 0 every canary pod runs the new image, updated from the highest ordinal down',
    async check(lab) {
      const found = await setAndPods(lab, 'canary', 1);
      if (typeof found === 'string') return fail(found);
      const partition = found.set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
      const old = found.pods.filter((p) => image(p) !== NEW).map((p) => p.metadata.name);
      if (partition > 0 || old.length) return fail(`${old.join(', ') || 'no pod'} still on the old image, partition ${partition}: \`${PARTITION_0}\` (section 3)`);
      const deleted = await statefulSetActions(lab, 'canary', 'delete');
      const last = (pod: string) => deleted.lastIndexOf(pod);
      if (!(last('canary-2') < last('canary-1') && last('canary-1') < last('canary-0'))) return fail(`the pods were replaced in the order ${deleted.join(', ')}, not from the highest ordinal down: were some deleted by hand?`);
      return pass(`replaced: ${deleted.join(', ')}`);
    },
  },
  {
    title: 'OnDelete: ondelete has the new template, and only the pod you deleted (ondelete-1) runs it',
    async check(lab) {
      const found = await setAndPods(lab, 'ondelete', 4);
      if (typeof found === 'string') return fail(found);
      if (found.set.spec?.updateStrategy?.type !== 'OnDelete') return fail('ondelete does not use OnDelete: re-apply labs/11-rolling-updates/ondelete.yaml');
      if (found.set.spec?.template.spec?.containers[0]?.image !== NEW) return fail(`ondelete's template still has ${OLD}: \`${SET_IMAGE('ondelete')}\` (section 4)`);
      const updated = found.pods.filter((p) => image(p) === NEW).map((p) => p.metadata.name);
      if (updated.length === 0) return fail('no ondelete pod runs the new image: with OnDelete nothing happens until you delete a pod — `kubectl delete pod ondelete-1` (section 4)');
      if (updated.join() !== 'ondelete-1') return fail(`${updated.join(', ')} ${updated.length > 1 ? 'run' : 'runs'} the new image: delete only ondelete-1 to see OnDelete pick one pod (\`emu delete statefulset ondelete\`, then section 4 again)`);
      return pass('ondelete-1 runs 0.24; ondelete-0 and ondelete-2 still run 0.21');
    },
  },
];
