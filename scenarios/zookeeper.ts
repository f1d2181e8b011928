// The Kubernetes tutorial "Running ZooKeeper, A Distributed System Coordinator",
// its manifest unchanged (registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10, run
// natively on ZooKeeper 3.9 from Maven Central), step by step.
// Run: emu run scenarios/zookeeper.ts
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.d.ts';
import { applyObjects, byKind, defineScenario, loadManifests, type ApiObject } from 'emu';

const MANIFEST = 'manifests/k8s-tutorials/zookeeper.yaml';
const servers = ['zk-0', 'zk-1', 'zk-2'];
const fqdn = (pod: string) => `${pod}.zk-hs.default.svc.cluster.local`;

export default defineScenario({
  name: 'Kubernetes tutorial: a ZooKeeper ensemble',
  manifests: [MANIFEST],
  async run(t) {
    /** `kubectl exec POD -- COMMAND`: stdout, or an error with stderr. */
    const run = async (pod: string, ...command: string[]) => {
      const result = await t.exec(pod, command);
      if (result.exitCode !== 0) throw new Error(`${pod}: ${command.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
      return result.stdout.trim();
    };
    /** zkCli.sh's result, without the connection banner the client also prints on stdout (in either order). */
    const zkGet = async (pod: string, path: string) =>
      (await run(pod, 'zkCli.sh', 'get', path))
        .split('\n')
        .filter((line) => line && !/^(Connecting to |WATCHER::|WatchedEvent )/.test(line))
        .join('\n');
    /** zk-pdb's status once the disruption controller shows `healthy` pods (undefined: any count). */
    const budget = (healthy?: number) =>
      t.engine.waitFor(`zk-pdb to count ${healthy ?? 'its'} healthy pods`, () => {
        const status = t.engine.store.find<PodDisruptionBudget & ApiObject>(byKind('PodDisruptionBudget')!, t.namespace, 'zk-pdb')?.status;
        return status && (healthy === undefined || status.currentHealthy === healthy) ? status : undefined;
      }, { timeoutMs: 30_000 });

    await t.step('a. each server knows its ordinal identity: hostname, FQDN (hostname -f) and myid = ordinal + 1', async () => {
      for (const [ordinal, pod] of servers.entries()) {
        t.check.equal(await run(pod, 'hostname'), pod, `hostname of ${pod}`);
        t.check.equal(await run(pod, 'hostname', '-f'), fqdn(pod), `hostname -f of ${pod}`);
        t.check.equal(await run(pod, 'cat', '/var/lib/zookeeper/data/myid'), String(ordinal + 1), `myid of ${pod}`);
      }
    });

    await t.step("a2. securityContext runAsUser 1000, fsGroup 1000: every process of the server runs as uid 1000, the volume is group 1000's", async () => {
      for (const pod of servers) {
        const uids = (await run(pod, 'ps', '-eo', 'uid=,comm=')).split('\n').map((l) => l.trim().split(/\s+/));
        t.check.ok(uids.some(([, comm]) => comm === 'java'), `${pod} runs the ZooKeeper server (java)`, uids);
        t.check.equal([...new Set(uids.map(([uid]) => uid))], ['1000'], `uids of the processes in ${pod}'s container`);
        const [group, mode] = (await run(pod, 'stat', '-c', '%g %A', '/var/lib/zookeeper')).split(' ');
        t.check.equal([group, mode.slice(4, 7), mode[6]], ['1000', 'rws', 's'], `group, group permissions and setgid bit of ${pod}'s volume`);
        t.check.equal(await run(pod, 'stat', '-c', '%g', '/var/lib/zookeeper/data/myid'), '1000', `group of the files ${pod} wrote in it`);
      }
    });

    await t.step('b. start-zookeeper wrote zoo.cfg with the ensemble by FQDN, and the log4j config, inside the container only', async () => {
      const config = await run('zk-0', 'cat', '/opt/zookeeper/conf/zoo.cfg');
      const serverLines = config.split('\n').filter((l) => l.startsWith('server.'));
      t.check.equal(serverLines, servers.map((pod, i) => `server.${i + 1}=${fqdn(pod)}:2888:3888`), 'server lines of zoo.cfg');
      t.check.ok(config.includes('dataDir=/var/lib/zookeeper/data') && config.includes('maxSessionTimeout=40000'), 'zoo.cfg follows the flags', config);
      const log4j = await run('zk-0', 'cat', '/usr/etc/zookeeper/log4j.properties');
      t.check.ok(log4j.includes('zookeeper.console.threshold=INFO'), 'log4j.properties at /usr/etc/zookeeper (the conf dir) follows --log_level', log4j);
      // The scenario runs on the node, which shares the host's filesystem: the container's conf dir is not the host's.
      const hostConfig = '/opt/zookeeper/conf/zoo.cfg';
      t.check.ok(!existsSync(hostConfig) || readFileSync(hostConfig, 'utf8').trim() !== config, `the host's ${hostConfig} is untouched`);
    });

    await t.step('c. the ensemble has one leader and two followers', async () => {
      const modes = await Promise.all(servers.map((pod) => run(pod, 'zkServer.sh', 'status')));
      t.note(servers.map((pod, i) => `${pod}: ${modes[i]}`).join(', '));
      t.check.equal([...modes].sort(), ['Mode: follower', 'Mode: follower', 'Mode: leader'], 'modes of the servers');
    });

    await t.step('d. a znode created on zk-0 is read on zk-1 and zk-2', async () => {
      await run('zk-0', 'zkCli.sh', 'create', '/hello', 'world');
      for (const pod of ['zk-1', 'zk-2']) t.check.equal(await zkGet(pod, '/hello'), 'world', `get /hello on ${pod}`);
    });

    await t.step('e. zk-pdb (maxUnavailable 1) allows one disruption while all three are Ready, none while one is down', async () => {
      const { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed } = await budget(3);
      t.check.equal({ currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed }, { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 }, 'zk-pdb with 3 Ready');
      await t.deletePod('zk-2');
      // The new zk-2 is not Ready for at least initialDelaySeconds (10 s): the budget is spent meanwhile.
      const during = await budget(2);
      t.check.equal([during.currentHealthy, during.disruptionsAllowed], [2, 0], 'zk-pdb while zk-2 is down: healthy pods, disruptions allowed');
      await t.waitForReady('zk');
      t.check.equal((await budget(3)).disruptionsAllowed, 1, 'zk-pdb once zk-2 is Ready again');
      t.check.equal(await zkGet('zk-2', '/hello'), 'world', 'zk-2 still serves /hello');
    });

    await t.step('f. liveness: killing the server in zk-0 restarts its container, which rejoins', async () => {
      const restarts = t.pod('zk-0').restarts;
      await t.exec('zk-0', ['pkill', 'java']);
      await t.engine.waitFor('zk-0 to restart and be Ready', () => (t.pod('zk-0').restarts > restarts && t.pod('zk-0').ready ? true : undefined), { timeoutMs: 120_000 });
      t.check.equal(t.pod('zk-0').restarts, restarts + 1, 'restarts of zk-0');
      t.check.equal(await zkGet('zk-0', '/hello'), 'world', 'zk-0 serves /hello after its restart');
    });

    await t.step('g. the data survives deleting the StatefulSet and applying it again', async () => {
      const volumes = servers.map((pod) => t.pod(pod).volumeDirs);
      await t.api.delete(byKind('StatefulSet')!, t.namespace, 'zk');
      await t.engine.waitFor('the pods of zk to be gone', () => (t.pods().some((p) => p.name.startsWith('zk-')) ? undefined : true), { timeoutMs: 120_000 });
      const manifests = await loadManifests([fileURLToPath(new URL(MANIFEST, import.meta.url))]);
      await applyObjects(t.api, manifests.map((m) => m.object as unknown as ApiObject));
      await t.waitForReady('zk', 180);
      t.check.equal(servers.map((pod) => t.pod(pod).volumeDirs), volumes, 'each server gets its own volume back');
      t.check.equal(await zkGet('zk-2', '/hello'), 'world', 'get /hello on the new zk-2');
      t.check.equal(await run('zk-1', 'cat', '/var/lib/zookeeper/data/myid'), '2', 'myid of the new zk-1');
    });
  },
});
