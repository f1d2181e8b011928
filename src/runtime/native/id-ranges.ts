import type { IdRange } from './oci-config.ts';

/**
 * User id ranges for pods' user namespaces (emu as root): 65536 ids per pod, as
 * Kubernetes gives a pod with `hostUsers: false`, far above the ids people and
 * services use. Each pod holds a range of its own while it lives. Clusters on
 * one host start their search at different places (a hash of their name), so
 * they rarely hand out the same range at once.
 */
export const RANGE_SIZE = 65536;
const FIRST_ID = 0x1000_0000;
const SLOTS = 16384; // up to 0x5000_0000: well below 2^31, which some tools treat as negative

export class IdRangePool {
  private readonly used = new Set<number>();
  private next: number;

  constructor(seed: string) {
    this.next = hash(seed) % SLOTS;
  }

  allocate(): IdRange {
    for (let tried = 0; tried < SLOTS; tried++) {
      const slot = (this.next + tried) % SLOTS;
      if (this.used.has(slot)) continue;
      this.used.add(slot);
      this.next = (slot + 1) % SLOTS;
      return { hostId: FIRST_ID + slot * RANGE_SIZE, size: RANGE_SIZE };
    }
    throw new Error(`all ${SLOTS} user id ranges are in use`);
  }

  release(range: IdRange): void {
    this.used.delete((range.hostId - FIRST_ID) / RANGE_SIZE);
  }
}

/** FNV-1a: a stable, well-spread number for a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
