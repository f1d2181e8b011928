// Lab 09 walked from its README on a fresh cluster with three real
// Elasticsearch nodes: before each section `emu lab check 09` shows ✗ with a
// hint, after it ✓; an index created with one shard — nothing to route — is
// caught with a hint to delete it and create it with three.
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emu-cli.ts';
import { labCluster, verdicts, walkLab } from '../helpers/lab.ts';

const shell = labCluster('labes');
const l = walkLab(shell, '09', `${ROOT}labs/09-elasticsearch-routing/README.md`);
const create = `emu exec es-cluster-0 -- curl -s -X PUT localhost:9200/lab -H 'content-type: application/json' -d '{"settings":{"number_of_shards":3,"number_of_replicas":0}}'`;

describe('lab 09: Elasticsearch routing', () => {
  it('before: every step ✗, the first says to apply the Elasticsearch manifest', async () => {
    await l.expectNothingDone('emu apply -f scenarios/manifests/elasticsearch.yaml --wait');
  });

  it('section 1, then a wrong index — one shard — is caught with a hint to recreate it with three', async () => {
    await l.step('emu apply -f scenarios/manifests/elasticsearch.yaml --wait');
    expect(await l.step(`emu exec es-cluster-0 -- curl -s 'localhost:9200/_cluster/health?wait_for_status=green&timeout=60s'`)).toContain('"status":"green"');
    const wrong = create.replace('"number_of_shards":3', '"number_of_shards":1');
    expect((await shell.run(wrong)).stdout).toContain('"acknowledged":true');
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✗✗✗✗');
    expect(caught.steps[1].hint).toContain('lab has 1 primary shard(s)');
    expect(caught.steps[1].hint).toContain('emu exec es-cluster-0 -- curl -s -X DELETE localhost:9200/lab');
  });

  it('sections 2–4: three shards, documents through every node, the formula, the Service; every step ✓', async () => {
    await l.step('emu exec es-cluster-0 -- curl -s -X DELETE localhost:9200/lab');
    expect(await l.step(create)).toContain('"shards_acknowledged":true');
    expect((await l.step(`emu exec es-cluster-0 -- curl -s 'localhost:9200/_cat/shards/lab?v&h=shard,prirep,node'`)).split('\n')).toHaveLength(4);
    const indexed = (await l.step(`for i in 0 1 2; do emu exec es-cluster-$i -- sh -c 'for d in a b c; do curl -s -X PUT "localhost:9200/lab/_doc/$d-$(hostname)?refresh=true" -H "content-type: application/json" -d "{\\"via\\":\\"$(hostname)\\"}"; echo; done'; done`)).split('\n');
    expect(indexed.filter((line) => line.includes('"result":"created"'))).toHaveLength(9);
    expect(await l.step(`emu exec es-cluster-0 -- curl -s 'localhost:9200/_cluster/state/metadata/lab?filter_path=metadata.indices.lab.routing_num_shards'`)).toContain('"routing_num_shards":768');
    const counts = (await l.step(`emu exec es-cluster-2 -- sh -c 'for i in 1 2 3 4 5 6; do curl -s elasticsearch:9200/lab/_count; echo; done'`)).split('\n');
    expect(counts.every((c) => c.startsWith('{"count":9,'))).toBe(true);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓✓']);
  });
});
