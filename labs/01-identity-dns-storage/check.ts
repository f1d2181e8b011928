// Lab 01's self-check: `emu lab check 01` runs these steps against the
// participant's own cluster. Each step matches a ✓ line in README.md.
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { byKind, fail, pass, type ApiObject, type LabContext, type LabStep, type StepVerdict } from 'emu';

const SET = 'web';
const PODS = ['web-0', 'web-1'];
const PAGE = 'index.html';
const WRITE_PAGES = `for i in 0 1; do emu exec web-$i -- sh -c 'echo "I am $(hostname)" > /usr/share/nginx/html/index.html'; done`;

const ready = (pod: Pod | undefined) => pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function statefulSet(lab: LabContext): Promise<StatefulSet | undefined> {
  return (await lab.api()).find<StatefulSet & ApiObject>(byKind('StatefulSet')!, lab.namespace, SET);
}

/** How many times the StatefulSet controller did `verb` to a pod (the recorder counts repeats). */
async function controllerActions(lab: LabContext, verb: 'create' | 'delete', pod: string): Promise<number> {
  const message = `${verb} Pod ${pod} in StatefulSet ${SET} successful`;
  const events = await lab.events({ kind: 'StatefulSet', name: SET });
  return events.filter((e) => e.message === message).reduce((sum, e) => sum + (e.count ?? 1), 0);
}

/** A failed step when web-0 or web-1 is not Ready (what the later steps need). */
async function notReady(lab: LabContext): Promise<StepVerdict | undefined> {
  const pods = await Promise.all(PODS.map((name) => lab.pod(name)));
  const waiting = PODS.filter((_, i) => !ready(pods[i]));
  return waiting.length ? fail(`${waiting.join(' and ')} not Ready: this step needs both pods (step 1; \`emu get pods -w\`)`) : undefined;
}

async function readPage(lab: LabContext, pod: string): Promise<{ text: string; writtenMs: number } | undefined> {
  const file = join(lab.claimDirectory(`www-${pod}`), PAGE);
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text: text.trim(), writtenMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

export const steps: LabStep[] = [
  {
    title: 'web runs web-0 and web-1, both Ready, started in order',
    async check(lab) {
      const set = await statefulSet(lab);
      if (!set) return fail('there is no StatefulSet "web" yet: run `emu apply -f scenarios/manifests/web.yaml` (section 1)');
      if (set.spec?.replicas !== 2) return fail(`web wants ${set.spec?.replicas} replica(s); this lab uses 2: \`emu scale statefulset web --replicas 2\``);
      if ((set.spec.podManagementPolicy ?? 'OrderedReady') !== 'OrderedReady') return fail('web starts its pods in Parallel: `emu delete statefulset web`, then apply the original scenarios/manifests/web.yaml');
      const missing = await notReady(lab);
      if (missing) return missing;
      const pods = await Promise.all(PODS.map((name) => lab.pod(name)));
      return pass(pods.map((p) => `${p!.metadata.name} ${p!.status?.podIP}`).join(', '));
    },
  },
  {
    title: "each pod's hostname is its name, and web-1.nginx resolves to web-1",
    async check(lab) {
      const missing = await notReady(lab);
      if (missing) return missing;
      for (const pod of PODS) {
        const hostname = (await lab.exec(pod, ['hostname'])).stdout.trim();
        if (hostname !== pod) return fail(`${pod}'s hostname is "${hostname}", not "${pod}": is web the StatefulSet from scenarios/manifests/web.yaml?`);
      }
      const web1 = await lab.pod('web-1');
      const resolved = (await lab.exec('web-0', ['getent', 'hosts', 'web-1.nginx'])).stdout.split(/\s+/)[0];
      if (!resolved) return fail('web-0 cannot resolve web-1.nginx: is web-1 Ready, and is the headless Service "nginx" there (`emu get svc`)?');
      if (resolved !== web1?.status?.podIP) return fail(`web-0 resolves web-1.nginx to ${resolved}, but web-1 is at ${web1?.status?.podIP}: wait a moment and check again`);
      return pass(`web-1.nginx → ${resolved}`);
    },
  },
  {
    title: 'web-1 was deleted and came back under the same name',
    async check(lab) {
      const created = await controllerActions(lab, 'create', 'web-1');
      if (created < 2) return fail('web-1 has not been rescheduled yet: `emu delete pod web-1`, then `emu get pods -o wide` shows it back with a new IP (section 3)');
      return pass(`web-1 created ${created} times`);
    },
  },
  {
    title: 'each pod serves its own page from its own volume',
    async check(lab) {
      for (const pod of PODS) {
        const page = await readPage(lab, pod);
        if (!page) return fail(`there is no page in ${pod}'s volume ${lab.claimDirectory(`www-${pod}`)}: write the pages (section 4): ${WRITE_PAGES}`);
        if (page.text === `I am ${pod}`) continue;
        const said = page.text.match(/^I am (.*)$/)?.[1];
        if (said && !said.startsWith(`${SET}-`)) {
          return fail(`${pod}'s page says "I am ${said}": $(hostname) ran on your own machine (${said}), not in the pod — keep the sh -c command in single quotes: ${WRITE_PAGES}`);
        }
        if (said) return fail(`${pod}'s page says "I am ${said}": each pod must write its own page — run the write in each pod: ${WRITE_PAGES}`);
        return fail(`${pod}'s page says "${page.text.slice(0, 60)}", expected "I am ${pod}": ${WRITE_PAGES}`);
      }
      return pass();
    },
  },
  {
    title: 'the pages survived a reschedule: web-1 reads "I am web-0" from web-0.nginx',
    async check(lab) {
      const missing = await notReady(lab);
      if (missing) return missing;
      for (const pod of PODS) {
        const [page, current] = await Promise.all([readPage(lab, pod), lab.pod(pod)]);
        if (!page) return fail(`write the pages first (step 4)`);
        // creationTimestamp has whole seconds: a pod created in the same second as the write counts as after it.
        const created = Date.parse(current?.metadata?.creationTimestamp ?? '');
        if (!(created >= Math.floor(page.writtenMs / 1000) * 1000)) return fail(`${pod} still runs the incarnation that wrote its page: \`emu delete pod web-0 web-1\` and let them come back (section 4)`);
      }
      const read = await lab.exec('web-1', ['curl', '-s', '--max-time', '5', 'http://web-0.nginx/']);
      if (read.stdout.trim() !== 'I am web-0') return fail(`\`emu exec web-1 -- curl -s web-0.nginx\` printed "${read.stdout.trim().slice(0, 60)}", not "I am web-0": are both pods Ready again?`);
      return pass();
    },
  },
  {
    title: 'scaled to 1 and back to 2, web-1 came back with its page',
    async check(lab) {
      if ((await controllerActions(lab, 'delete', 'web-1')) === 0) return fail('web has not been scaled down yet: `emu scale statefulset web --replicas 1`, then `--replicas 2` (section 5)');
      const set = await statefulSet(lab);
      if ((set?.status?.readyReplicas ?? 0) < 2) return fail(`web has ${set?.status?.readyReplicas ?? 0} Ready pods: scale back with \`emu scale statefulset web --replicas 2\``);
      const read = await lab.exec('web-0', ['curl', '-s', '--max-time', '5', 'http://web-1.nginx/']);
      if (read.stdout.trim() !== 'I am web-1') return fail(`\`emu exec web-0 -- curl -s web-1.nginx\` printed "${read.stdout.trim().slice(0, 60)}", not "I am web-1": did web-1 come back with its claim www-web-1 (\`emu get pvc\`)?`);
      return pass();
    },
  },
];
