// Which shard does Elasticsearch put a document on? Elasticsearch's own
// formula, re-implemented so a scenario can predict it and then check the
// cluster agrees. Pure functions, no I/O.
//
// Source (Elasticsearch 8.14, server module):
//  * org.elasticsearch.cluster.routing.Murmur3HashFunction.hash(String):
//      every UTF-16 code unit of the routing string as 2 little-endian bytes,
//      then Lucene's StringHelper.murmurhash3_x86_32(bytes, 0, len, seed 0).
//  * org.elasticsearch.cluster.routing.IndexRouting (Unpartitioned.shardId):
//      effective routing = the `routing` parameter, or the document _id;
//      shard = Math.floorMod(hash, routingNumShards) / routingFactor,
//      routingFactor = routingNumShards / numberOfShards (IndexMetadata.getRoutingFactor).
//  * org.elasticsearch.cluster.metadata.MetadataCreateIndexService.calculateNumRoutingShards:
//      default index.number_of_routing_shards (indices created on 7.0+) =
//      numShards * 2^max(1, 10 - ceil(log2(numShards))): the largest numShards * 2^n <= 1024,
//      but always at least one split (e.g. 1 -> 1024, 3 -> 768, 5 -> 640, 1024 -> 2048).
// Not covered: index.routing_partition_size > 1 and time-series (routing_path) indices.

/** Java's Math.floorMod for int: the result has the sign of the divisor. */
export function floorMod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

/** MurmurHash3 x86 32-bit (Austin Appleby), as Lucene implements it; returns a signed 32-bit int like Java. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mixK = (k: number) => Math.imul(rotl(Math.imul(k, c1), 15), c2);
  let h = seed | 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h ^= mixK(k);
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    h ^= mixK(k);
  }
  // finalization: force all bits of the hash to avalanche
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** The bytes Elasticsearch hashes for a routing string: each UTF-16 code unit, low byte first. */
export function routingBytes(routing: string): Uint8Array {
  const bytes = new Uint8Array(routing.length * 2);
  for (let i = 0; i < routing.length; i++) {
    const unit = routing.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >>> 8;
  }
  return bytes;
}

/** Murmur3HashFunction.hash(routing). */
export function routingHash(routing: string): number {
  return murmur3x86_32(routingBytes(routing), 0);
}

/** The default index.number_of_routing_shards of an index created with `numberOfShards` primaries (ES 7.0+). */
export function defaultRoutingNumShards(numberOfShards: number): number {
  if (!Number.isInteger(numberOfShards) || numberOfShards < 1) throw new RangeError(`number_of_shards must be a positive integer, got ${numberOfShards}`);
  const log2NumShards = 32 - Math.clz32(numberOfShards - 1); // ceil(log2(numberOfShards))
  const splits = Math.max(1, 10 - log2NumShards); // at least one split is always possible
  return numberOfShards * 2 ** splits;
}

/**
 * The primary shard number a document goes to: `routing` if given, else its `_id`.
 * `routingNumShards` is the index's routing_num_shards (cluster state metadata);
 * it defaults to what a fresh 8.x index gets.
 */
export function shardFor(idOrRouting: string, numberOfShards: number, routingNumShards = defaultRoutingNumShards(numberOfShards)): number {
  if (routingNumShards % numberOfShards !== 0) throw new RangeError(`routing_num_shards ${routingNumShards} is not a multiple of number_of_shards ${numberOfShards}`);
  const routingFactor = routingNumShards / numberOfShards;
  return Math.floor(floorMod(routingHash(idOrRouting), routingNumShards) / routingFactor);
}
