// Elasticsearch on real ES 8.14 nodes: every node is a coordinator. A request
// can go to any pod (or to the ClusterIP Service); the node that receives it
// computes the document's shard with Elasticsearch's routing formula and
// forwards it to the node holding that shard. We predict the shard ourselves
// (scenarios/lib/es-routing.ts) and check the cluster agrees, then take a data
// node and the elected master away and watch the cluster heal without losing a
// document. Run: emu run scenarios/es-coordinator.ts
import { lookup } from 'node:dns/promises';
import { Client } from '@elastic/elasticsearch';
import { defineScenario } from 'emu';
import { defaultRoutingNumShards, shardFor } from './lib/es-routing.ts';

const pods = ['es-cluster-0', 'es-cluster-1', 'es-cluster-2'];
const host = (pod: string) => `${pod}.es-headless-service`; // stable per-pod DNS name
const SERVICE = 'elasticsearch'; // ClusterIP Service over the Ready pods
const INDEX = 'orders';
const SHARDS = 3;

/** One client per entry point (a pod's DNS name, or the Service), as an application would hold them. */
const clients = new Map<string, Client>();
function es(name: string): Client {
  let client = clients.get(name);
  if (!client) {
    client = new Client({ node: `http://${name}:9200`, requestTimeout: 15_000, maxRetries: 1 });
    clients.set(name, client);
  }
  return client;
}
const via = (pod: string) => es(host(pod));

interface ShardCopy { shard: number; primary: boolean; state: string; node: string; docs: number }

/** Where every copy of every shard of the index lives (`GET _cat/shards/orders`). */
async function shardCopies(client: Client): Promise<ShardCopy[]> {
  const rows = await client.cat.shards({ index: INDEX, format: 'json', h: 'shard,prirep,state,node,docs' });
  return rows.map((r) => ({ shard: Number(r.shard), primary: r.prirep === 'p', state: String(r.state), node: String(r.node ?? ''), docs: Number(r.docs ?? 0) }));
}

/** The elected master's node name, as this node sees it. */
async function masterName(client: Client): Promise<string | undefined> {
  const [row] = await client.cat.master({ format: 'json', local: true });
  return row?.node;
}

/** Node name -> node id (the id is stored in the node's data directory). */
async function nodeIds(client: Client): Promise<Record<string, string>> {
  const rows = await client.cat.nodes({ format: 'json', full_id: true, h: 'id,name' });
  return Object.fromEntries(rows.map((r) => [String(r.name), String(r.id)]));
}

const countDocs = async (client: Client) => (await client.count({ index: INDEX })).count;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

export default defineScenario({
  name: 'Elasticsearch: every node coordinates, routing is predictable, nodes come and go',
  manifests: ['manifests/elasticsearch.yaml'],
  readyTimeoutSeconds: 300,
  async run(t) {
    const written: string[] = []; // ids of every document the cluster acknowledged
    /** Index one document through the given entry point; remember it once acknowledged. */
    const put = async (entry: string, id: string, body: Record<string, unknown>) => {
      await es(entry).index({ index: INDEX, id, document: { ...body, sentTo: entry } });
      written.push(id);
    };
    /** GET every acknowledged document through an entry point; returns the ids it did not find. */
    const missingVia = async (entry: string) => {
      const { docs } = await es(entry).mget<Record<string, unknown>>({ index: INDEX, ids: written });
      return docs.filter((d) => !('found' in d) || !d.found).map((d) => d._id);
    };
    /** Bounded wait for green with all 3 nodes, asked through one pod. */
    const green = (pod: string, timeoutSeconds = 180) =>
      t.eventually(`health green with 3 nodes (asked ${pod})`, async () => {
        const h = await via(pod).cluster.health({ wait_for_status: 'green', wait_for_nodes: '3', timeout: '5s' });
        return h.status === 'green' && h.number_of_nodes === 3 ? h : undefined;
      }, timeoutSeconds);

    await t.step('a. the three nodes form one cluster: one elected master, health green', async () => {
      const health = await green('es-cluster-0');
      const createdAt = Math.min(...t.pods('es-cluster').map((p) => p.createdAt));
      t.note(`green with ${health.number_of_nodes} nodes ${seconds(Date.now() - createdAt)} s after the pods were created`);
      const masters = await Promise.all(pods.map((pod) => masterName(via(pod))));
      t.check.equal(masters, pods.map(() => masters[0]), 'the master each node reports (all the same)');
      t.check.ok(pods.includes(masters[0]!), 'the master is one of the pods', masters[0]);
      t.check.equal(Object.keys(await nodeIds(via('es-cluster-1'))).sort(), pods, 'nodes in the cluster');
      t.note(`elected master: ${masters[0]}`);
    });

    await t.step(`b. documents written through es-cluster-0 are readable through every other pod and the Service`, async () => {
      await via('es-cluster-0').indices.create({ index: INDEX, settings: { number_of_shards: SHARDS, number_of_replicas: 1 } });
      await green('es-cluster-0', 60);
      for (let n = 1; n <= 30; n++) await put(host('es-cluster-0'), `order-${n}`, { n, item: `widget-${n % 7}` });
      for (const entry of [host('es-cluster-1'), host('es-cluster-2'), SERVICE]) {
        for (const id of written) {
          const doc = await es(entry).get<{ n: number; sentTo: string }>({ index: INDEX, id });
          t.check.equal([doc.found, doc._source?.n, doc._source?.sentTo], [true, Number(id.slice(6)), host('es-cluster-0')], `${id} read through ${entry}`);
        }
      }
      t.note(`${written.length} documents written through es-cluster-0, each read back through es-cluster-1, es-cluster-2 and Service ${SERVICE}`);
    });

    await t.step('c. the shard of every document is the one the routing formula predicts, and its primary holds it', async () => {
      const state = await via('es-cluster-0').cluster.state({ metric: 'metadata', index: INDEX });
      const routingNumShards: number = state.metadata.indices[INDEX].routing_num_shards;
      t.check.equal(routingNumShards, defaultRoutingNumShards(SHARDS), 'routing_num_shards of a 3-shard index');
      const copies = await shardCopies(via('es-cluster-0'));
      const primaryOf = (shard: number) => copies.find((c) => c.shard === shard && c.primary)!.node;
      const holders = (shard: number) => copies.filter((c) => c.shard === shard).map((c) => c.node);

      // 1. Per document: our prediction vs. the shard the cluster resolves for routing = _id.
      const predicted = new Map(written.map((id) => [id, shardFor(id, SHARDS, routingNumShards)]));
      for (const id of written) {
        const answer = await via('es-cluster-1').searchShards({ index: INDEX, routing: id });
        t.check.equal(answer.shards.length, 1, `shard groups for routing=${id}`);
        const primary = answer.shards[0].find((copy) => copy.primary)!;
        t.check.equal(primary.shard, predicted.get(id), `shard of ${id} (ours vs _search_shards)`);
        t.check.equal(answer.nodes[primary.node!].name, primaryOf(primary.shard), `node holding the primary of ${id}'s shard`);
      }
      // 2. Per shard: ask only that shard, only on its primary's node: exactly the predicted documents are there.
      await via('es-cluster-0').indices.refresh({ index: INDEX });
      const ids = await nodeIds(via('es-cluster-0'));
      for (let shard = 0; shard < SHARDS; shard++) {
        const result = await via('es-cluster-2').search({ index: INDEX, preference: `_shards:${shard}|_only_nodes:${primaryOf(shard)}`, size: 100, explain: true, query: { match_all: {} } });
        const found = result.hits.hits.map((h) => h._id!).sort();
        const expected = written.filter((id) => predicted.get(id) === shard).sort();
        t.check.equal(found, expected, `documents on shard ${shard} (asked its primary on ${primaryOf(shard)})`);
        t.check.equal([...new Set(result.hits.hits.map((h) => h._node))], found.length ? [ids[primaryOf(shard)]] : [], `node that answered for shard ${shard}`);
        t.note(`shard ${shard}: ${expected.length} docs, primary on ${primaryOf(shard)}, replica on ${holders(shard).filter((n) => n !== primaryOf(shard)).join(',')}`);
      }
      // 3. So the receiving node forwarded: writes to es-cluster-0 whose primary lives elsewhere,
      //    reads through a pod that holds no copy of the document's shard.
      const forwardedWrites = written.filter((id) => primaryOf(predicted.get(id)!) !== 'es-cluster-0').length;
      const forwardedReads = pods.flatMap((pod) => written.filter((id) => !holders(predicted.get(id)!).includes(pod))).length;
      t.note(`${forwardedWrites} of ${written.length} writes sent to es-cluster-0 were forwarded to a primary on another node`);
      t.note(`${forwardedReads} of ${written.length * pods.length} by-id reads (per pod) asked a node with no copy of the shard: forwarded`);
      t.check.ok(forwardedWrites > 0 && forwardedReads > 0, 'some requests had to be forwarded', { forwardedWrites, forwardedReads });
    });

    await t.step('d. a data node holding primaries leaves: yellow, replicas promoted, the others keep serving; it returns with its data', async () => {
      const master = await masterName(via('es-cluster-0'));
      let copies = await shardCopies(via('es-cluster-0'));
      const holdsPrimary = (pod: string) => copies.some((c) => c.node === pod && c.primary);
      if (!pods.some((p) => p !== master && holdsPrimary(p))) {
        // Rare: the master holds every primary. Move one primary to a node with no copy of that shard.
        const [to, shard] = pods.filter((p) => p !== master).flatMap((p) => copies.filter((c) => c.primary && !copies.some((x) => x.shard === c.shard && x.node === p)).map((c) => [p, c.shard] as const))[0];
        await via('es-cluster-0').cluster.reroute({ commands: [{ move: { index: INDEX, shard, from_node: master!, to_node: to } }] });
        await t.eventually('the moved primary to be started', async () => {
          copies = await shardCopies(via('es-cluster-0'));
          return copies.every((c) => c.state === 'STARTED') && holdsPrimary(to) ? true : undefined;
        }, 60);
        t.note(`all primaries were on the master ${master}: moved shard ${shard}'s primary to ${to}`);
      }
      const victim = pods.find((p) => p !== master && holdsPrimary(p));
      t.check.ok(victim, 'a non-master node holds a primary', copies);
      const others = pods.filter((p) => p !== victim!);
      const lostPrimaries = copies.filter((c) => c.node === victim && c.primary).map((c) => c.shard);
      const before = t.pod(victim!);
      const idBefore = (await nodeIds(via(others[0])))[victim!];
      const countBefore = await countDocs(via(others[0]));
      t.note(`rescheduling ${victim} (master is ${master}); it holds the primaries of shard(s) ${lostPrimaries.join(',')}`);

      const deletedAt = performance.now();
      const after = await t.reschedule(victim!, {
        timeoutSeconds: 240,
        meanwhile: async () => {
          const yellow = await t.eventually('health to drop to yellow', async () => {
            const h = await via(others[0]).cluster.health({ timeout: '5s' });
            return h.status === 'yellow' ? h : undefined;
          }, 60);
          t.note(`health ${yellow.status}: ${yellow.number_of_nodes} nodes, ${yellow.unassigned_shards} unassigned replica(s), ${seconds(performance.now() - deletedAt)} s after the delete`);
          const now = await shardCopies(via(others[1]));
          for (const shard of lostPrimaries) {
            const primary = now.find((c) => c.shard === shard && c.primary);
            t.check.ok(primary && primary.state === 'STARTED' && others.includes(primary.node), `shard ${shard}'s replica was promoted to primary on another node`, primary);
          }
          // The application keeps working through the other coordinators (and the Service, which
          // now only lists the Ready pods).
          for (let n = 31; n <= 40; n++) await put(host(others[n % 2]), `order-${n}`, { n, item: 'written-while-away' });
          const nodesAfterWrites = (await via(others[0]).cluster.health()).number_of_nodes;
          t.check.equal(nodesAfterWrites, 2, `nodes in the cluster when the 10 writes were acknowledged (${victim} still away)`);
          for (const entry of [...others.map(host), SERVICE]) t.check.equal(await missingVia(entry), [], `documents missing when read through ${entry} while ${victim} is away`);
          t.note(`while ${victim} was away: 10 writes and ${written.length * 3} reads through ${others.join(', ')} and Service ${SERVICE} succeeded (${seconds(performance.now() - deletedAt)} s after the delete)`);
        },
      });
      t.check.notEqual(after.ip, before.ip, `${victim} gets a new IP`);
      t.check.equal(after.volumeDirs, before.volumeDirs, `${victim} keeps its data volume`);
      t.note(`${victim}: ${before.ip} -> ${after.ip}, Ready ${seconds(performance.now() - deletedAt)} s after the delete`);
      await green(others[0]);
      t.note(`green again ${seconds(performance.now() - deletedAt)} s after the delete`);
      t.check.equal((await nodeIds(via(victim!)))[victim!], idBefore, `${victim}'s node id (kept in its data directory)`);
      const copiesAfter = await shardCopies(via(victim!));
      t.check.ok(copiesAfter.some((c) => c.node === victim && c.state === 'STARTED'), `${victim} holds shard copies again`, copiesAfter);
      t.check.equal(await countDocs(via(victim!)), countBefore + 10, 'documents in the index (before + written meanwhile)');
      t.check.equal(await missingVia(host(victim!)), [], `acknowledged documents missing through ${victim}`);
    });

    await t.step('e. the elected master leaves: another node is elected, the old one rejoins, nothing is lost', async () => {
      const oldMaster = (await masterName(via('es-cluster-0')))!;
      const others = pods.filter((p) => p !== oldMaster);
      const before = t.pod(oldMaster);
      const countBefore = await countDocs(via(others[0]));
      const deletedAt = performance.now();
      let newMaster = '';
      await t.reschedule(oldMaster, {
        timeoutSeconds: 240,
        meanwhile: async () => {
          newMaster = await t.eventually('the remaining nodes to elect a new master', async () => {
            const seen = await Promise.all(others.map((p) => masterName(via(p))));
            return others.includes(seen[0]!) && seen.every((m) => m === seen[0]) ? seen[0] : undefined;
          }, 60);
          t.note(`${newMaster} elected ${seconds(performance.now() - deletedAt)} s after ${oldMaster} was deleted`);
          for (let n = 41; n <= 45; n++) await put(host(others[n % 2]), `order-${n}`, { n, item: 'written-without-old-master' });
        },
      });
      t.check.notEqual(newMaster, oldMaster, 'the elected master');
      t.check.ok(others.includes(newMaster), 'the new master is one of the remaining nodes', newMaster);
      await green(others[0]);
      t.note(`${oldMaster} rejoined (${before.ip} -> ${t.pod(oldMaster).ip}); green ${seconds(performance.now() - deletedAt)} s after the delete`);
      t.check.equal(Object.keys(await nodeIds(via(oldMaster))).sort(), pods, 'nodes in the cluster');
      t.check.equal(await masterName(via(oldMaster)), newMaster, `the master as ${oldMaster} sees it after rejoining`);
      t.check.equal(await countDocs(via(oldMaster)), countBefore + 5, 'documents in the index');
      for (const entry of [...pods.map(host), SERVICE]) t.check.equal(await missingVia(entry), [], `acknowledged documents missing through ${entry}`);
      t.note(`${written.length} acknowledged documents, all readable through every pod and the Service`);
    });

    await t.step('f. es-headless-service resolves to all three pods, es-cluster-N.es-headless-service to pod N', async () => {
      const ips = pods.map((p) => t.pod(p).ip!);
      t.check.ok(pods.every((p) => t.pod(p).ready), 'all pods Ready', t.pods('es-cluster'));
      t.check.equal(t.resolve('es-headless-service'), ips, 'cluster DNS for the headless Service (ordinal order)');
      const viaResolver = (await lookup('es-headless-service', { all: true, family: 4 })).map((a) => a.address).sort();
      t.check.equal(viaResolver, [...ips].sort(), 'addresses the system resolver returns for es-headless-service');
      for (const [i, pod] of pods.entries()) {
        t.check.equal(t.resolve(host(pod)), [ips[i]], `cluster DNS for ${host(pod)}`);
        t.check.equal((await lookup(host(pod), { family: 4 })).address, ips[i], `system resolver for ${host(pod)}`);
      }
      t.note(pods.map((p, i) => `${host(p)} -> ${ips[i]}`).join('; '));
      await Promise.all([...clients.values()].map((c) => c.close()));
    });
  },
});
