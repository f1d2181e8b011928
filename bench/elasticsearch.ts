// Elasticsearch StatefulSet timings on real ES 8 nodes, through the engine:
// 3-node cluster green, and data node delete → green again.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ScenarioContext } from '../src/scenario/context.ts';
import { applyManifests } from './apply.ts';
import { loadManifests } from '../src/manifest/load.ts';
import { pollUntil } from '../src/util/deadline.ts';
import { timed } from './stats.ts';

async function health(host: string): Promise<string | undefined> {
  const res = await fetch(`http://${host}:9200/_cluster/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = (await res.json()) as { status: string; number_of_nodes: number };
  return body.number_of_nodes === 3 ? body.status : undefined;
}
const green = (host: string) => pollUntil(`green from ${host}`, async () => ((await health(host)) === 'green' ? true : undefined), { timeoutMs: 300_000, intervalMs: 100 });

export async function benchElasticsearch(t: ScenarioContext) {
  const manifests = await loadManifests([fileURLToPath(new URL('../scenarios/manifests/elasticsearch.yaml', import.meta.url))]);
  const start = await timed(async () => {
    await applyManifests(t, manifests);
    await green('es-cluster-0.es-headless-service');
  });
  // An index with replicas, so a node's departure makes the cluster yellow.
  await fetch('http://es-cluster-0.es-headless-service:9200/orders', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: { number_of_shards: 3, number_of_replicas: 1 } }) });
  await green('es-cluster-0.es-headless-service');
  const dataNode = await timed(async () => {
    await t.deletePod('es-cluster-2');
    await pollUntil('es-cluster-2 back', () => (t.pods().some((p) => p.name === 'es-cluster-2' && p.ready) ? true : undefined), { timeoutMs: 300_000, intervalMs: 50 });
    await green('es-cluster-0.es-headless-service');
  });
  return { greenMs: start.ms, dataNodeMs: dataNode.ms };
}

/** Baseline in the same run: one bare JVM node (no emu, no namespaces) on loopback until it answers. */
export async function benchBareElasticsearchNode(workDir: string) {
  const entrypoint = fileURLToPath(new URL('../docker/elasticsearch/entrypoint.sh', import.meta.url));
  let node: ReturnType<typeof execa> | undefined;
  const run = await timed(async () => {
    node = execa(entrypoint, [], {
      reject: false,
      env: { 'discovery.type': 'single-node', 'network.host': '127.0.0.1', 'http.port': '19201', 'transport.port': '19301', ES_DATA_DIR: `${workDir}/bare-es-data`, EMU_ES_RUN_DIR: `${workDir}/bare-es-run`, ES_JAVA_OPTS: '-Xms512m -Xmx512m' },
    });
    await pollUntil('bare ES node', async () => ((await fetch('http://127.0.0.1:19201/_cluster/health', { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.ok ? true : undefined), { timeoutMs: 300_000, intervalMs: 100 });
  });
  node!.kill('SIGTERM');
  await node;
  return run.ms;
}
