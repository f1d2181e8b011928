// Lab 06's self-check: one claim per StatefulSet pod, named after claim and
// pod, kept across reschedule, scale-down and scale-up; one claim shared by
// every replica of a Deployment; files outside a volume gone with the pod.
// The checks read the claim directories and look inside the pods.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, isReady, pass, podsOf, readText, statefulSetActions, type LabContext, type LabStep } from 'emu';

const PODS = ['notes-0', 'notes-1'];
const WRITE = `for i in 0 1; do emu exec notes-$i -- sh -c 'hostname > /data/owner; hostname > /tmp/owner'; done`;
const SHARED_WRITE = `for p in $(emu get pods -l app=notes-shared -o name); do emu exec \${p#pod/} -- sh -c 'hostname >> /data/writers'; done`;

const ownerFile = (lab: LabContext, pod: string) => join(lab.claimDirectory(`data-${pod}`), 'owner');

export const steps: LabStep[] = [
  {
    title: 'notes-0 and notes-1 each wrote their name into their own claim (data-notes-N/owner)',
    async check(lab) {
      if (!(await findObject<StatefulSet>(lab, 'StatefulSet', 'notes'))) return fail('there is no StatefulSet "notes" yet: `emu apply -f labs/06-stable-storage/notes.yaml --wait` (section 1)');
      for (const pod of PODS) {
        const owner = await readText(ownerFile(lab, pod));
        if (owner === pod) continue;
        if (owner) return fail(`data-${pod}/owner says "${owner.slice(0, 40)}", not "${pod}": write it from inside each pod, in single quotes: ${WRITE}`);
        const outside = isReady(await lab.pod(pod)) && (await lab.exec(pod, ['cat', '/tmp/owner'])).exitCode === 0;
        if (outside) return fail(`${pod} wrote /tmp/owner, but there is no /data/owner: /tmp is not a volume (it lives and dies with the pod) — write to /data, where the claim data-${pod} is mounted: ${WRITE} (section 2)`);
        return fail(`the claim data-${pod} has no owner file yet: ${WRITE} (section 2)`);
      }
      return pass();
    },
  },
  {
    title: 'rescheduled, each pod found its owner file in its volume — and what it wrote to /tmp was gone',
    async check(lab) {
      for (const pod of PODS) {
        const current = await lab.pod(pod);
        if (!isReady(current)) return fail(`${pod} is not Ready: wait for \`emu get pods -w\``);
        let written: number;
        try {
          written = (await stat(ownerFile(lab, pod))).mtimeMs;
        } catch {
          return fail('write the owner files first (step 1)');
        }
        // creationTimestamp has whole seconds: a pod created in the same second as the write counts as after it.
        if (!(Date.parse(current?.metadata.creationTimestamp ?? '') >= Math.floor(written / 1000) * 1000)) return fail(`${pod} still runs the incarnation that wrote its files: \`emu delete pod notes-0 notes-1\` (section 3)`);
        const [inVolume, inTmp] = await Promise.all([lab.exec(pod, ['cat', '/data/owner']), lab.exec(pod, ['cat', '/tmp/owner'])]);
        if (inVolume.stdout.trim() !== pod) return fail(`${pod} reads "${inVolume.stdout.trim()}" from /data/owner, not "${pod}"`);
        if (inTmp.exitCode === 0) return fail(`${pod} has a /tmp/owner again: that was written after the reschedule — /tmp starts empty in every new pod`);
      }
      return pass();
    },
  },
  {
    title: 'scaled to 1 and back to 2, notes-1 came back to its claim data-notes-1',
    async check(lab) {
      if (!(await statefulSetActions(lab, 'notes', 'delete')).includes('notes-1')) return fail('notes has not been scaled down yet: `emu scale statefulset notes --replicas 1`, then `--replicas 2` (section 4)');
      const set = await findObject<StatefulSet>(lab, 'StatefulSet', 'notes');
      if ((set?.status?.readyReplicas ?? 0) < 2) return fail(`notes has ${set?.status?.readyReplicas ?? 0} Ready pod(s): scale back with \`emu scale statefulset notes --replicas 2\``);
      const read = (await lab.exec('notes-1', ['cat', '/data/owner'])).stdout.trim();
      if (read !== 'notes-1') return fail(`notes-1 reads "${read}" from /data/owner: did it come back with its claim data-notes-1 (\`emu get pvc\`)?`);
      return pass();
    },
  },
  {
    title: 'every notes-shared replica wrote into the one claim notes-shared',
    async check(lab) {
      const pods = await podsOf(lab, 'notes-shared');
      if (pods.length === 0) return fail('there is no notes-shared pod: `emu apply -f labs/06-stable-storage/notes.yaml --wait` (section 1)');
      const claims = new Set(pods.flatMap((p) => (p.spec?.volumes ?? []).flatMap((v) => v.persistentVolumeClaim?.claimName ?? [])));
      if (claims.size !== 1 || !claims.has('notes-shared')) return fail(`the notes-shared replicas mount ${[...claims].join(', ')}: re-apply labs/06-stable-storage/notes.yaml`);
      const writers = new Set(((await readText(join(lab.claimDirectory('notes-shared'), 'writers'))) ?? '').split('\n').filter(Boolean));
      const missing = pods.map((p) => p.metadata.name).filter((name) => !writers.has(name));
      if (missing.length) return fail(`${missing.join(' and ')} ${missing.length > 1 ? 'have' : 'has'} not written into notes-shared/writers: ${SHARED_WRITE} (section 5)`);
      return pass(`notes-shared/writers: ${[...writers].join(', ')}`);
    },
  },
];
