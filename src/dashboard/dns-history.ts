/**
 * Remembers how DNS answers changed, so the dashboard can show a name keeping
 * its place while its address changes: `web-0.nginx  10.244.0.7  was 10.244.0.2`.
 * A name that stops resolving (its pod is not ready) stays listed with no
 * address for a while, as the rescheduled pod will bring it back.
 */
import { dnsOrder, type DnsRow } from './view.ts';

interface Known {
  row: DnsRow;
  /** The last non-empty answer before the current one. */
  previous?: string[];
  changedAt?: number;
  goneSince?: number;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class DnsHistory {
  private readonly known = new Map<string, Known>();

  constructor(private readonly keepGoneMs = 120_000) {}

  /** Today's rows with what changed; names gone for longer than keepGoneMs are dropped. */
  update(rows: DnsRow[], now: number): DnsRow[] {
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.fqdn);
      const known = this.known.get(row.fqdn);
      if (!known) {
        this.known.set(row.fqdn, { row });
        continue;
      }
      if (!same(known.row.addresses, row.addresses)) {
        if (known.row.addresses.length) known.previous = known.row.addresses;
        known.changedAt = now;
      }
      known.row = row;
      known.goneSince = undefined;
    }
    for (const [fqdn, known] of this.known) {
      if (seen.has(fqdn)) continue;
      if (known.goneSince === undefined) {
        if (known.row.addresses.length) known.previous = known.row.addresses;
        known.row = { ...known.row, addresses: [] };
        known.goneSince = now;
        known.changedAt = now;
      } else if (now - known.goneSince > this.keepGoneMs) this.known.delete(fqdn);
    }
    return [...this.known.values()]
      .map((k) => ({ ...k.row, ...(k.previous ? { previous: k.previous } : {}), ...(k.changedAt !== undefined ? { changedAt: new Date(k.changedAt).toISOString() } : {}) }))
      .sort(dnsOrder);
  }
}
