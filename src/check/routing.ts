import { pairCalls, type Operation } from '../history/operation.ts';
import { count, listSome, type CheckResult } from './result.ts';

/**
 * The `routing` checker: every write the application sent to its write host was
 * executed by the pod with the primary's identity.
 *
 * Each write's completion carries where it went and who executed it:
 *   {"type":"ok","f":"write","value":{"host":"mysql-0.mysql","server_id":1,…},…}
 * `host` is the name the application connected to; `server_id` the identity of
 * the server that ran the statement (MySQL's @@server_id, read in the same
 * session; for another system, whatever names the pod stably). Completions that
 * are `ok` or `fail` count: a write refused by a replica (read_only) was still
 * sent to the wrong place. `info` completions say nothing (it is unknown where
 * they went); completions without both fields are not routing records.
 */
export interface RoutingOptions {
  /** The primary's identity: the server_id every write must be executed by. */
  primary: string | number;
  /** The write hosts to check (default: every host that appears). */
  writeHosts?: string[];
}

export interface RoutingDetails {
  /** Writes whose executing server is known (ok or fail, with host and server_id). */
  checked: number;
  misrouted: number;
  /** Misrouted writes by the server_id that executed them. */
  byServer: Record<string, number>;
}

interface Route {
  host: string;
  server_id: string | number;
}

function routeOf(value: unknown): Route | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { host, server_id } = value as Record<string, unknown>;
  return typeof host === 'string' && (typeof server_id === 'string' || typeof server_id === 'number') ? { host, server_id } : undefined;
}

export function checkRouting(ops: readonly Operation[], options: RoutingOptions): CheckResult<RoutingDetails> {
  const details: RoutingDetails = { checked: 0, misrouted: 0, byServer: {} };
  const witness: Operation[] = [];
  const hosts = new Set<string>();
  for (const call of pairCalls(ops)) {
    if (call.type === 'info') continue;
    const route = routeOf(call.completion!.value);
    if (!route || (options.writeHosts && !options.writeHosts.includes(route.host))) continue;
    details.checked++;
    if (route.server_id === options.primary) continue;
    details.misrouted++;
    hosts.add(route.host);
    details.byServer[String(route.server_id)] = (details.byServer[String(route.server_id)] ?? 0) + 1;
    if (!witness.length) witness.push(call.invoke, call.completion!);
  }
  const primary = JSON.stringify(options.primary);
  if (details.checked === 0) {
    return { checker: 'routing', verdict: 'unknown', summary: 'no write with a known host and server_id', problems: ['no write completion carried {host, server_id}: nothing to check'], witness: [], details };
  }
  const summary = `${count(details.checked, 'write')} with a known executing server: ${details.misrouted} not executed by the primary (server_id ${primary})`;
  if (details.misrouted === 0) return { checker: 'routing', verdict: 'valid', summary, problems: [], witness: [], details };
  const servers = Object.entries(details.byServer).map(([id, n]) => `server_id ${id} (${n})`);
  const problems = [`${details.misrouted} of ${details.checked} writes sent to ${listSome([...hosts])} were executed elsewhere than the primary (server_id ${primary}): ${listSome(servers)}`];
  return { checker: 'routing', verdict: 'invalid', summary, problems, witness, details };
}
