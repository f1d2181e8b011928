// Lab 05's self-check: hostname = pod name = <set>-<ordinal>, kept across
// reschedules while the IP changes. Every zk pod appends "<time> <hostname>
// <ip>" to /data/boots on its own volume each time it starts; the checks read
// those files from the claim directories.
import { join } from 'node:path';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, isReady, pass, readText, resolveIn, type LabContext, type LabStep } from 'emu';

const PODS = ['zk-0', 'zk-1', 'zk-2'];

interface Boot {
  at: number;
  hostname: string;
  ip: string;
}

async function boots(lab: LabContext, pod: string): Promise<Boot[]> {
  const text = (await readText(join(lab.claimDirectory(`data-${pod}`), 'boots'))) ?? '';
  return text.split('\n').flatMap((line) => {
    const [at, hostname, ip] = line.trim().split(/\s+/);
    return ip ? [{ at: Number(at), hostname, ip }] : [];
  });
}

/** Whether every start of `pod` recorded its own name, else the failed verdict. */
function wrongName(pod: string, list: Boot[]): string | undefined {
  const other = list.find((b) => b.hostname !== pod);
  return other && `${pod}'s volume records a start as "${other.hostname}": is data-${pod} the claim of another set? Delete it and re-apply labs/05-ordinal-identity/zk.yaml`;
}

/** How many times the pod came back with a new IP (a new pod, not a restarted container). */
function moves(list: Boot[]): number {
  return list.filter((b, i) => i > 0 && b.ip !== list[i - 1].ip).length;
}

/** A restart that kept the IP (same pod, container restarted) rather than a new pod. */
function restartsInPlace(list: Boot[]): boolean {
  return list.some((b, i) => i > 0 && b.ip === list[i - 1].ip);
}

export const steps: LabStep[] = [
  {
    title: 'zk-0..2 are Ready, each hostname is its pod name, and each member took myid = ordinal + 1',
    async check(lab) {
      if (!(await findObject<StatefulSet>(lab, 'StatefulSet', 'zk'))) return fail('there is no StatefulSet "zk" yet: `emu apply -f labs/05-ordinal-identity/zk.yaml --wait` (section 1)');
      for (const [ordinal, pod] of PODS.entries()) {
        if (!isReady(await lab.pod(pod))) return fail(`${pod} is not Ready: wait for \`emu get pods -w\``);
        const hostname = (await lab.exec(pod, ['hostname'])).stdout.trim();
        if (hostname !== pod) return fail(`${pod}'s hostname is "${hostname}": is zk the StatefulSet from labs/05-ordinal-identity/zk.yaml?`);
        const myid = await readText(join(lab.claimDirectory(`data-${pod}`), 'myid'));
        if (myid !== String(ordinal + 1)) return fail(`${pod}'s myid is "${myid ?? 'missing'}", expected ${ordinal + 1}: re-apply labs/05-ordinal-identity/zk.yaml`);
      }
      return pass();
    },
  },
  {
    title: 'zk-1 was rescheduled: same name, same volume, a new IP',
    async check(lab) {
      const list = await boots(lab, 'zk-1');
      if (list.length === 0) return fail('zk-1 has not started yet: `emu apply -f labs/05-ordinal-identity/zk.yaml --wait` (section 1)');
      const wrong = wrongName('zk-1', list);
      if (wrong) return fail(wrong);
      if (moves(list) > 0) return pass(list.map((b) => b.ip).join(' → '));
      if (restartsInPlace(list)) {
        return fail(`zk-1 started again with the same IP ${list[0].ip}: its container restarted inside the same pod (a crash or a killed process), which keeps the pod and its address — that is not a reschedule; delete the pod: \`emu delete pod zk-1\` (section 2)`);
      }
      return fail('zk-1 has started once so far: reschedule it with `emu delete pod zk-1`, then `emu get pods -o wide` (section 2)');
    },
  },
  {
    title: 'all of zk was rescheduled at once, and every member came back under its own name, reachable at its new IP',
    async check(lab) {
      for (const pod of PODS) {
        const list = await boots(lab, pod);
        const wrong = wrongName(pod, list);
        if (wrong) return fail(wrong);
        if (moves(list) < (pod === 'zk-1' ? 2 : 1)) return fail(`${pod} has not been rescheduled with the others yet: \`emu delete pod zk-0 zk-1 zk-2\` (section 3)`);
        const current = await lab.pod(pod);
        if (!isReady(current)) return fail(`${pod} is not Ready yet: wait for \`emu get pods -w\``);
        const [resolved] = await resolveIn(lab, 'zk-0', `${pod}.zk`);
        if (resolved !== current?.status?.podIP) return fail(`${pod}.zk resolves to ${resolved ?? 'nothing'}, but ${pod} is at ${current?.status?.podIP}: wait a moment and check again`);
      }
      return pass();
    },
  },
];
