// Lab 09's self-check on a real three-node Elasticsearch: every node
// coordinates (a document sent to any node is stored on the node holding its
// shard), the routing formula picks the shard, and the ClusterIP Service is
// all a client needs. The checks ask the cluster itself, with curl in a pod.
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { fail, findObject, isReady, pass, type LabContext, type LabStep } from 'emu';
import { shardFor } from '../../scenarios/lib/es-routing.ts';

const NODES = ['es-cluster-0', 'es-cluster-1', 'es-cluster-2'];
const CREATE = `emu exec es-cluster-0 -- curl -s -X PUT localhost:9200/lab -H 'content-type: application/json' -d '{"settings":{"number_of_shards":3,"number_of_replicas":0}}'`;
const DELETE = 'emu exec es-cluster-0 -- curl -s -X DELETE localhost:9200/lab';
const INDEX_VIA_EACH = `for i in 0 1 2; do emu exec es-cluster-$i -- sh -c 'for d in a b c; do curl -s -X PUT "localhost:9200/lab/_doc/$d-$(hostname)?refresh=true" -H "content-type: application/json" -d "{\\"via\\":\\"$(hostname)\\"}"; echo; done'; done`;

/** GET (or another method) on Elasticsearch from inside `pod`, parsed; undefined when it does not answer. */
async function es(lab: LabContext, path: string, pod = 'es-cluster-0', host = 'localhost'): Promise<any> {
  const r = await lab.exec(pod, ['curl', '-s', '--max-time', '10', `http://${host}:9200${path}`]);
  try {
    return r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
  } catch {
    return undefined;
  }
}

interface Doc {
  id: string;
  via: string;
  shard: number;
}

/** The lab index's documents with the shard each is on, and which node holds each shard. */
async function layout(lab: LabContext): Promise<{ docs: Doc[]; holder: Map<number, string>; routingNumShards: number; shards: number } | string> {
  const meta = (await es(lab, '/_cluster/state/metadata/lab'))?.metadata?.indices?.lab;
  if (!meta) return `there is no index "lab" yet: ${CREATE} (section 2)`;
  const shards = Number(meta.settings.index.number_of_shards);
  const cat: { shard: string; prirep: string; node: string }[] = (await es(lab, '/_cat/shards/lab?format=json&h=shard,prirep,node')) ?? [];
  const holder = new Map(cat.filter((c) => c.prirep === 'p').map((c) => [Number(c.shard), c.node]));
  const hits: { _id: string; _shard: string; _source?: { via?: string } }[] = (await es(lab, '/lab/_search?size=100&explain=true'))?.hits?.hits ?? [];
  const docs = hits.map((h) => ({ id: h._id, via: h._source?.via ?? '', shard: Number(/\[(\d+)\]$/.exec(h._shard)?.[1]) }));
  return { docs, holder, routingNumShards: Number(meta.routing_num_shards), shards };
}

export const steps: LabStep[] = [
  {
    title: 'es-cluster-0..2 form one green Elasticsearch cluster',
    async check(lab) {
      if (!(await findObject<StatefulSet>(lab, 'StatefulSet', 'es-cluster'))) return fail('there is no StatefulSet "es-cluster" yet: `emu apply -f scenarios/manifests/elasticsearch.yaml --wait` (section 1)');
      for (const node of NODES) if (!isReady(await lab.pod(node))) return fail(`${node} is not Ready yet: Elasticsearch needs a minute to start — wait for \`emu get pods -l app=elasticsearch -w\``);
      const health = await es(lab, '/_cluster/health');
      if (health?.number_of_nodes !== 3) return fail(`the cluster has ${health?.number_of_nodes ?? 'no'} node(s) of 3: wait a moment and check again`);
      if (health.status === 'red') return fail('the cluster is red: wait a moment and check again');
      return pass(`${health.cluster_name}: ${health.status}, ${health.number_of_nodes} nodes`);
    },
  },
  {
    title: 'the index lab has 3 primary shards, one on each node',
    async check(lab) {
      const found = await layout(lab);
      if (typeof found === 'string') return fail(found);
      if (found.shards !== 3) return fail(`lab has ${found.shards} primary shard(s): with fewer shards than nodes, some nodes hold nothing to route to — delete it (${DELETE}) and create it with 3: ${CREATE}`);
      const nodes = new Set(found.holder.values());
      if (nodes.size !== 3) return fail(`lab's shards are on ${[...nodes].join(', ') || 'no node yet'}: wait a moment for them to spread, and check again`);
      return pass([...found.holder].sort(([a], [b]) => a - b).map(([shard, node]) => `shard ${shard} on ${node}`).join(', '));
    },
  },
  {
    title: 'every node coordinated: each took documents and passed some on to the node holding their shard',
    async check(lab) {
      const found = await layout(lab);
      if (typeof found === 'string') return fail(found);
      const missing = NODES.filter((node) => !found.docs.some((d) => d.via === node));
      if (missing.length) return fail(`no document was sent through ${missing.join(', ')} yet: ${INDEX_VIA_EACH} (section 3)`);
      const forwarded = found.docs.filter((d) => d.via !== found.holder.get(d.shard));
      if (!forwarded.length) return fail(`every document was stored on the node it was sent to: send more through each node (${INDEX_VIA_EACH})`);
      const example = forwarded[0];
      return pass(`${forwarded.length} of ${found.docs.length} forwarded, e.g. ${example.id}: sent to ${example.via}, stored on shard ${example.shard} at ${found.holder.get(example.shard)}`);
    },
  },
  {
    title: 'every document is on the shard the routing formula gives',
    async check(lab) {
      const found = await layout(lab);
      if (typeof found === 'string') return fail(found);
      if (!found.docs.length) return fail(`the index lab has no documents yet: ${INDEX_VIA_EACH} (section 3)`);
      const wrong = found.docs.find((d) => d.shard !== shardFor(d.id, found.shards, found.routingNumShards));
      if (wrong) return fail(`${wrong.id} is on shard ${wrong.shard}, but the formula gives ${shardFor(wrong.id, found.shards, found.routingNumShards)}: was it indexed with a custom ?routing=? Use the _id alone (section 3)`);
      return pass(`${found.docs.length} documents; routing_num_shards ${found.routingNumShards}`);
    },
  },
  {
    title: 'through the ClusterIP Service elasticsearch, any node answers for the whole index',
    async check(lab) {
      const found = await layout(lab);
      if (typeof found === 'string') return fail(found);
      if (!found.docs.length) return fail(`index documents first (step 3): ${INDEX_VIA_EACH}`);
      if (!(await findObject(lab, 'Service', 'elasticsearch'))) return fail('there is no Service "elasticsearch": re-apply scenarios/manifests/elasticsearch.yaml');
      const answers = await Promise.all(NODES.map((pod) => es(lab, '/lab/_count', pod, 'elasticsearch')));
      const wrong = answers.find((a) => a?.count !== found.docs.length);
      if (wrong) return fail(`elasticsearch:9200/lab/_count answered ${wrong?.count ?? 'nothing'}, not ${found.docs.length}: wait a moment and check again`);
      return pass(`${found.docs.length} documents, whichever node the Service picked`);
    },
  },
];
