// Lab 02's self-check: the same nginx as a Deployment (stateless) and as a
// StatefulSet (stateful) — names, storage and DNS differ. Each step matches a
// ✓ line in README.md.
import { join } from 'node:path';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, notAllReady, pass, podsOf, readText, replicaSetCreations, resolveIn, statefulSetActions, type LabStep } from 'emu';

const DIR = 'labs/02-deployment-vs-statefulset';
const PAGE = 'index.html';
const WRITE_STATELESS = `for p in $(emu get pods -l app=stateless -o name); do emu exec \${p#pod/} -- sh -c 'hostname > /usr/share/nginx/html/index.html'; done`;
const WRITE_STATEFUL = `for i in 0 1; do emu exec stateful-$i -- sh -c 'hostname > /usr/share/nginx/html/index.html'; done`;
/** `stateless-<pod-template-hash>-<5 random>` */
const DEPLOYMENT_POD = /^stateless-[a-z0-9]+-[a-z0-9]{5}$/;

export const steps: LabStep[] = [
  {
    title: 'stateless runs 2 interchangeable replicas, stateless-<hash>-<random>, mounting the one claim stateless-html behind one Service name',
    async check(lab) {
      if (!(await findObject<Deployment>(lab, 'Deployment', 'stateless'))) return fail(`there is no Deployment "stateless" yet: \`emu apply -f ${DIR}/stateless.yaml --wait\` (section 1)`);
      const waiting = await notAllReady(lab, 'stateless', 2);
      if (waiting) return fail(waiting);
      const pods = await podsOf(lab, 'stateless');
      const odd = pods.find((p) => !DEPLOYMENT_POD.test(p.metadata.name));
      if (odd) return fail(`${odd.metadata.name} does not look like a Deployment's pod: re-apply ${DIR}/stateless.yaml`);
      const claims = new Set(pods.flatMap((p) => (p.spec?.volumes ?? []).flatMap((v) => v.persistentVolumeClaim?.claimName ?? [])));
      if (claims.size !== 1 || !claims.has('stateless-html')) return fail(`the stateless replicas mount ${[...claims].join(', ') || 'no claim'}; they should all mount stateless-html: re-apply ${DIR}/stateless.yaml`);
      const service = await findObject<{ spec?: { clusterIP?: string } }>(lab, 'Service', 'stateless');
      const [address] = await resolveIn(lab, pods[0].metadata.name, 'stateless');
      if (!service || address !== service.spec?.clusterIP) return fail(`the name "stateless" resolves to ${address ?? 'nothing'}, not to the Service's virtual IP: is the Service "stateless" there (\`emu get svc\`)?`);
      return pass(`${pods.map((p) => p.metadata.name).join(', ')} → claim stateless-html; "stateless" → ${address}`);
    },
  },
  {
    title: 'stateful runs stateful-0 and stateful-1, each with its own claim html-stateful-N and its own name stateful-N.stateful',
    async check(lab) {
      if (!(await findObject<StatefulSet>(lab, 'StatefulSet', 'stateful'))) return fail(`there is no StatefulSet "stateful" yet: \`emu apply -f ${DIR}/stateful.yaml --wait\` (section 1)`);
      const waiting = await notAllReady(lab, 'stateful', 2);
      if (waiting) return fail(waiting);
      for (const i of [0, 1]) {
        const pod = await lab.pod(`stateful-${i}`);
        const claim = pod?.spec?.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
        if (claim !== `html-stateful-${i}`) return fail(`stateful-${i} mounts ${claim ?? 'no claim'}, not html-stateful-${i}: re-apply ${DIR}/stateful.yaml`);
        const [address] = await resolveIn(lab, 'stateful-0', `stateful-${i}.stateful`);
        if (address !== pod?.status?.podIP) return fail(`stateful-${i}.stateful resolves to ${address ?? 'nothing'}, but stateful-${i} is at ${pod?.status?.podIP}: is the headless Service "stateful" there?`);
      }
      return pass();
    },
  },
  {
    title: 'a page written into the shared claim is served by every stateless replica',
    async check(lab) {
      const page = await readText(join(lab.claimDirectory('stateless-html'), PAGE));
      if (page === undefined) return fail(`the claim stateless-html has no page yet: write it (section 3): ${WRITE_STATELESS}`);
      if (!(await replicaSetCreations(lab, 'stateless')).includes(page)) return fail(`the shared page says "${page.slice(0, 60)}", not a stateless pod's name: ${WRITE_STATELESS}`);
      for (const pod of await podsOf(lab, 'stateless')) {
        const served = (await lab.exec(pod.metadata.name, ['curl', '-s', '--max-time', '5', 'http://localhost/'])).stdout.trim();
        if (served !== page) return fail(`${pod.metadata.name} serves "${served.slice(0, 60)}", not the shared page "${page}": is it Ready?`);
      }
      return pass(`every replica serves "${page}"`);
    },
  },
  {
    title: 'each stateful pod serves its own page from its own claim',
    async check(lab) {
      for (const i of [0, 1]) {
        const pod = `stateful-${i}`;
        const page = await readText(join(lab.claimDirectory(`html-${pod}`), PAGE));
        if (page === undefined && i === 1 && (await readText(join(lab.claimDirectory('html-stateful-0'), PAGE))) !== undefined) {
          return fail(`html-stateful-1 has no page: the one you wrote in stateful-0 lives in html-stateful-0 only — each member has a claim of its own; write in both (section 3): ${WRITE_STATEFUL}`);
        }
        if (page === undefined) return fail(`the claim html-${pod} has no page yet: write one in each pod (section 3): ${WRITE_STATEFUL}`);
        if (page !== pod) return fail(`html-${pod}'s page says "${page.slice(0, 60)}", not "${pod}": ${WRITE_STATEFUL}`);
      }
      return pass();
    },
  },
  {
    title: 'a deleted stateless pod was replaced under a new name; a deleted stateful-1 came back as stateful-1',
    async check(lab) {
      const created = new Set(await replicaSetCreations(lab, 'stateless'));
      if (created.size < 3) return fail(`no stateless pod has been replaced yet: \`emu delete $(emu get pods -l app=stateless -o name | head -n 1)\` (section 4)`);
      const again = (await statefulSetActions(lab, 'stateful', 'create')).filter((p) => p === 'stateful-1').length;
      if (again < 2) return fail('stateful-1 has not been deleted yet: `emu delete pod stateful-1`, then `emu get pods -o wide` (section 4)');
      return pass(`stateless pods so far: ${[...created].join(', ')}; stateful-1 created ${again} times`);
    },
  },
];
