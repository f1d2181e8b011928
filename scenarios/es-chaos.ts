// Chaos on Elasticsearch (the manifest of es-coordinator.ts: three ES 8.14
// nodes, each master-eligible, holding data and coordinating): while a seeded
// schedule kills, deletes, pauses and partitions nodes — the elected master
// among them, whichever it is at the time — clients index documents through the
// ClusterIP Service `elasticsearch` (each acknowledged index is an `add` to a
// set) and read the whole index back through it. Once the cluster is green
// again: no acknowledged document is lost, every node still coordinates (each
// finds every document by id, asked through its own name), and every replica
// shard copy holds exactly its primary's documents.
//
//   emu run scenarios/es-chaos.ts                  # a fresh seed (printed)
//   emu run scenarios/es-chaos.ts --seed 5         # the same schedule again
//   emu run scenarios/es-chaos.ts --seed 5 --plan  # the schedule as JSON; nothing starts
import { Client, errors } from '@elastic/elasticsearch';
import { defineScenario, type ErrorClassifier } from 'emu';

const pods = ['es-cluster-0', 'es-cluster-1', 'es-cluster-2'];
const host = (pod: string) => `${pod}.es-headless-service`;
const SERVICE = 'elasticsearch';
const INDEX = 'chaos';
const SHARDS = 3;
const WRITERS = 3;

/**
 * A request ES refused before doing anything (a cluster block: no master; an
 * unreachable address) certainly did not happen; anything else — a timeout, a
 * 503 after the primary may have written, a dropped connection — is unknown.
 */
const classify: ErrorClassifier = (error) => {
  if (error instanceof errors.ResponseError && /cluster_block_exception/.test(String(error.body && JSON.stringify(error.body)))) return 'fail';
  const code = (error as { code?: string }).code ?? '';
  const cause = error instanceof errors.ConnectionError ? String(error.message) : '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/.test(cause) ? 'fail' : 'info';
};

/** A read that did not see every shard is no read of the whole set. */
class PartialRead extends Error {}

const client = (name: string, timeoutMs: number) => new Client({ node: `http://${name}:9200`, requestTimeout: timeoutMs, maxRetries: 0 });

export default defineScenario({
  name: 'Elasticsearch under chaos: acknowledged indexing through the Service',
  manifests: ['manifests/elasticsearch.yaml'],
  readyTimeoutSeconds: 300,
  chaos: {
    // Faults drawn as `primaries` hit whichever node is the elected master when they are due
    // (es-cluster-0 is only what --plan shows).
    pods: [{ name: 'es-cluster-0', primary: true }, 'es-cluster-1', 'es-cluster-2'],
    faults: ['pod-kill', 'partition', 'pause', 'pod-delete'],
    targets: ['one', 'primaries'],
    interval: '6s',
    faultDuration: '3s',
    duration: '42s',
  },
  async run(t) {
    t.session.classify = classify;
    const service = client(SERVICE, 5_000);
    const green = (what: string, timeoutSeconds: number) =>
      t.eventually(`health green with 3 nodes ${what}`, async () => {
        const h = await service.cluster.health({ index: INDEX, wait_for_status: 'green', wait_for_nodes: '3', timeout: '4s' }).catch(() => undefined);
        return h?.status === 'green' && h.number_of_nodes === 3 ? h : undefined;
      }, timeoutSeconds);

    await t.step(`an index of ${SHARDS} shards with a replica each, green`, async () => {
      await t.eventually('the cluster to form and create the index', async () => {
        await service.indices.create({ index: INDEX, settings: { number_of_shards: SHARDS, number_of_replicas: 1 } }).catch((e: unknown) => {
          if (!(e instanceof errors.ResponseError && /resource_already_exists/.test(JSON.stringify(e.body)))) throw e;
        });
        return true;
      }, 180);
      await green('before the faults', 180);
    });

    let working = true;
    let next = 0;
    const masters = new Set<string>();

    const writer = async () => {
      const c = t.client();
      while (working) {
        const n = next++;
        await c.call({ f: 'add', key: 'docs', value: n }, () => service.index({ index: INDEX, id: `doc-${n}`, document: { n } }));
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const reader = async () => {
      const c = t.client();
      while (working) {
        await c.call({ f: 'read', key: 'docs', okValue: (ids: number[]) => ids }, () => readAll(service));
        const master = await service.cat.master({ format: 'json' }).catch(() => []);
        if (master[0]?.node) masters.add(String(master[0].node));
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };

    await t.step('clients index and read through the Service while a seeded schedule hits the nodes', async () => {
      const master = client(SERVICE, 2_000);
      const chaos = await t.chaos({ primaries: async () => [String((await master.cat.master({ format: 'json' }))[0].node)] });
      const clients = [...Array.from({ length: WRITERS }, writer), reader()];
      const outcomes = await chaos.done;
      working = false;
      await Promise.all(clients);
      await master.close();
      const applied = outcomes.filter((o) => o.appliedAt !== undefined);
      t.note(`${applied.length} of ${outcomes.length} faults applied, ${applied.filter((o) => o.fault.mode === 'primaries').length} of them on the elected master; masters seen: ${[...masters].sort().join(', ')}`);
      t.check.ok(applied.length >= 4, 'faults applied', `${applied.length} of ${outcomes.length}`);
    });

    await t.step('green again; a final read of every document through the Service', async () => {
      // Every node back and Ready first: green alone can come with a node still restarting.
      await t.waitForReady('es-cluster', 240);
      await green('after the faults', 240);
      const c = t.client();
      await t.eventually('a complete final read', async () => ((await c.call({ f: 'read', key: 'docs', okValue: (ids: number[]) => ids }, () => readAll(service))).type === 'ok' ? true : undefined), 60);
    });

    await t.step('every node still coordinates: each finds every acknowledged document by id', async () => {
      const acknowledged = t.history.operations.filter((o) => o.f === 'add' && o.type === 'ok').map((o) => `doc-${o.value as number}`);
      for (const pod of pods) {
        const node = client(host(pod), 30_000);
        const { docs } = await node.mget({ index: INDEX, ids: acknowledged });
        const missing = docs.filter((d) => !('found' in d) || !d.found).map((d) => d._id);
        t.check.equal(missing.slice(0, 5), [], `acknowledged documents ${pod} cannot find (of ${acknowledged.length})`);
        await node.close();
      }
    });

    await t.step('checks: set-full (nothing acknowledged lost), every shard copy the same documents, identity', async () => {
      const results = [await t.checks.setFull(t.history.operations), await t.checks.convergence(await shardGroups()), await t.checks.identity(t.session.incarnations)];
      for (const r of results) t.note(`${r.checker}: ${r.verdict} — ${r.summary}`);
      t.verdict(...results);
    });

    /** One group per shard: its primary copy's document ids, and each replica copy's. */
    async function shardGroups() {
      await service.indices.refresh({ index: INDEX });
      const rows = await service.cat.shards({ index: INDEX, format: 'json', h: 'shard,prirep,state,node' });
      const idsOn = async (shard: number, node: string) => {
        const result = await service.search({ index: INDEX, preference: `_shards:${shard}|_only_nodes:${node}`, size: 10_000, _source: false, query: { match_all: {} } });
        return result.hits.hits.map((h) => h._id).sort();
      };
      return Promise.all(
        Array.from({ length: SHARDS }, async (_, shard) => {
          const copies = rows.filter((r) => Number(r.shard) === shard);
          const primary = copies.find((r) => r.prirep === 'p')!;
          const copy = async (r: (typeof rows)[number]) => ({ name: `${r.node} [${INDEX}][${shard}] ${r.prirep === 'p' ? 'primary' : 'replica'}`, rows: await idsOn(shard, String(r.node)) });
          return { name: `shard [${INDEX}][${shard}]`, reference: await copy(primary), copies: await Promise.all(copies.filter((r) => r !== primary).map(copy)) };
        }),
      );
    }

    await service.close();
  },
});

/** Every document's number, from a refreshed index; a read that missed a shard throws. */
async function readAll(es: Client): Promise<number[]> {
  await es.indices.refresh({ index: INDEX });
  const result = await es.search<{ n: number }>({ index: INDEX, size: 10_000, query: { match_all: {} } });
  if (result._shards.failed > 0 || result._shards.successful < result._shards.total) throw new PartialRead(`${result._shards.successful} of ${result._shards.total} shards answered`);
  return result.hits.hits.map((h) => h._source!.n);
}
