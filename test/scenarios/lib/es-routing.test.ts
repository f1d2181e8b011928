// Elasticsearch's document routing, re-implemented in scenarios/lib/es-routing.ts.
//
// Where the expected values come from (none of them was produced by the code under test):
//  * HASHES: org.elasticsearch.cluster.routing.Murmur3HashFunction.hash(String) from the real
//    elasticsearch-8.14.3.jar (~/.cache/emu/elasticsearch-8.14.3/lib), run once with
//    `java -cp 'lib/*' EsHash.java <strings>` (a 5-line Java file calling that method).
//  * ROUTING_SHARDS: MetadataCreateIndexService.calculateNumRoutingShards(n, IndexVersion.current())
//    from the same jar.
//  * LIVE_*: a live 3-node emu cluster (scenarios/manifests/elasticsearch.yaml), indices created
//    with number_of_shards 3 and 5, then `GET /<index>/_search_shards?routing=<id>`; the 3-shard
//    index reported routing_num_shards 768 in `_cluster/state/metadata`.
import { describe, expect, it } from 'vitest';
import { defaultRoutingNumShards, floorMod, murmur3x86_32, routingBytes, routingHash, shardFor } from '../../../scenarios/lib/es-routing.ts';

const HASHES: [string, number][] = [
  ['', 0],
  ['a', 1867108634],
  ['ab', 374890698],
  ['abc', 1118836419],
  ['abcd', 1157274932],
  ['abcde', -125102471],
  ['order-1', -1419791865],
  ['order-2', -1908404900],
  ['order-17', -1513148818],
  ['order-30', 1721909475],
  ['héllo', 493253914],
  ['日本', -1532890893],
  ['😀x', -996154910], // a surrogate pair: hashed as two UTF-16 code units, not as one code point
];

const ROUTING_SHARDS: [number, number][] = [[1, 1024], [2, 1024], [3, 768], [5, 640], [7, 896], [64, 1024], [1000, 2000], [1024, 2048], [2000, 4000]];

const LIVE_3_SHARDS: [string, number][] = [['order-1', 2], ['order-2', 2], ['order-17', 0], ['order-30', 1], ['a', 0], ['abcde', 0], ['héllo', 2], ['日本', 0], ['😀x', 0]];
const LIVE_5_SHARDS: [string, number][] = [['order-1', 1], ['order-2', 1], ['order-17', 4], ['order-30', 2], ['a', 1], ['abcde', 1]];

describe('routingHash (Murmur3HashFunction.hash)', () => {
  it.each(HASHES)('hash(%j) = %i, as the ES 8.14.3 jar computes it', (routing, expected) => {
    expect(routingHash(routing)).toBe(expected);
  });

  it('hashes UTF-16 code units little-endian, two bytes each', () => {
    expect([...routingBytes('a€')]).toEqual([0x61, 0x00, 0xac, 0x20]);
    expect(routingBytes('😀').length).toBe(4);
  });

  it('is the reference MurmurHash3 x86_32 on bytes (published test vectors)', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    expect(murmur3x86_32(new Uint8Array(0), 0)).toBe(0);
    expect(murmur3x86_32(new Uint8Array(0), 1) >>> 0).toBe(0x514e28b7);
    expect(murmur3x86_32(new Uint8Array(0), 0xffffffff) >>> 0).toBe(0x81f16f39);
    expect(murmur3x86_32(utf8('Hello, world!'), 1234) >>> 0).toBe(0xfaf6cdb3);
    expect(murmur3x86_32(utf8('The quick brown fox jumps over the lazy dog'), 0) >>> 0).toBe(0x2e4ff723);
  });

  it('returns signed 32-bit integers', () => {
    for (let i = 0; i < 500; i++) {
      const h = routingHash(`doc-${i}`);
      expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
    }
  });
});

describe('defaultRoutingNumShards (calculateNumRoutingShards)', () => {
  it.each(ROUTING_SHARDS)('%i shards -> %i routing shards', (shards, expected) => {
    expect(defaultRoutingNumShards(shards)).toBe(expected);
  });

  it('is a multiple of the shard count, allows at least one split, and stays <= 1024 when it can', () => {
    for (let n = 1; n <= 1100; n++) {
      const r = defaultRoutingNumShards(n);
      expect(r % n).toBe(0);
      expect(r / n).toBeGreaterThanOrEqual(2);
      expect(Number.isInteger(Math.log2(r / n))).toBe(true);
      if (n <= 512) expect(r).toBeLessThanOrEqual(1024);
      if (n <= 512) expect(r * 2).toBeGreaterThan(1024);
    }
  });

  it('rejects nonsense', () => {
    expect(() => defaultRoutingNumShards(0)).toThrow(RangeError);
    expect(() => shardFor('x', 3, 1000)).toThrow(/not a multiple/);
  });
});

describe('shardFor', () => {
  it.each(LIVE_3_SHARDS)('%j -> shard %i of 3, as _search_shards reported on a live cluster', (id, shard) => {
    expect(shardFor(id, 3)).toBe(shard);
  });

  it.each(LIVE_5_SHARDS)('%j -> shard %i of 5, as _search_shards reported on a live cluster', (id, shard) => {
    expect(shardFor(id, 5)).toBe(shard);
  });

  it('is floorMod(hash, routingNumShards) / routingFactor: negative hashes land in range', () => {
    expect(floorMod(-1, 768)).toBe(767);
    expect(floorMod(-768, 768)).toBe(0);
    expect(floorMod(5, 768)).toBe(5);
    // order-1 hashes negative; floorMod(-1419791865, 768) = 519, 519 / 256 -> shard 2
    expect(floorMod(routingHash('order-1'), 768)).toBe(519);
  });

  it('spreads ids over every shard and always returns a valid shard number', () => {
    for (const shards of [1, 2, 3, 5, 7]) {
      const counts = new Array(shards).fill(0);
      for (let i = 0; i < 3000; i++) counts[shardFor(`order-${i}`, shards)]++;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(3000);
      for (const c of counts) expect(c).toBeGreaterThan((3000 / shards) * 0.8);
    }
  });

  it('splitting an index keeps each document within the split of its old shard', () => {
    // The point of routing_num_shards: a 3-shard index (768) split into 6 keeps 768, and
    // every document of old shard s moves to new shard 2s or 2s+1.
    for (let i = 0; i < 1000; i++) {
      const before = shardFor(`order-${i}`, 3, 768);
      const after = shardFor(`order-${i}`, 6, 768);
      expect(Math.floor(after / 2)).toBe(before);
    }
  });
});
