/**
 * Network faults in a pod's own network namespace, with the kernel's own
 * mechanisms: nftables rules (one table per fault, so healing one fault is
 * deleting its table) and tc qdiscs on the pod's eth0.
 *
 * - partition: drop everything from and to the peers' addresses (input and
 *   output hooks), so a cut holds in both directions even if only one side has it;
 * - loss / duplicate / corrupt: `numgen random mod 100 < N` then drop / `dup to`
 *   / a payload rewrite, on what the pod sends (as tc netem on eth0 would);
 * - bandwidth: a tbf qdisc;
 * - delay / reorder: tc netem, which needs the kernel's sch_netem module. Many
 *   kernels (this project's CI among them) lack it; then the fault is refused
 *   before anything starts (see netemSupport).
 *
 * Everything here lives in the pod's namespace and dies with it: a pod that is
 * killed or rescheduled comes back without any of these rules. The runtime
 * runs nft and tc there (PodSandbox.runInNetwork): nsenter on the native
 * runtime, an exec in the pause container on Docker.
 */
import { execa } from 'execa';
import { EmuError } from '../errors.ts';
import type { PodSandbox } from '../runtime/container-runtime.ts';
import type { NetemBehaviour } from './faults.ts';

const DEVICE = 'eth0';

/** The nftables table of one fault (names are identifiers: letters, digits, underscores). */
export function tableName(faultId: string): string {
  return `emu_chaos_${faultId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** nft rules that cut a pod off from the given peer addresses, both ways. */
export function partitionRules(faultId: string, peers: readonly string[]): string {
  const set = `{ ${peers.join(', ')} }`;
  return `table ip ${tableName(faultId)} {
  chain input {
    type filter hook input priority -10; policy accept;
    ip saddr ${set} drop
  }
  chain output {
    type filter hook output priority -10; policy accept;
    ip daddr ${set} drop
  }
}
`;
}

/** The behaviours nftables can do on its own (the rest need tc). */
export const NFT_BEHAVIOURS: ReadonlySet<NetemBehaviour> = new Set(['loss', 'duplicate', 'corrupt']);

/** nft rules for loss, duplicate or corrupt on what the pod sends through eth0. */
export function packetRules(faultId: string, behaviour: NetemBehaviour, percent: number): string {
  const share = Math.round(percent);
  const chance = `meta oifname "${DEVICE}"${share >= 100 ? '' : ` numgen random mod 100 < ${share}`}`;
  const action = {
    loss: 'drop',
    // A copy goes out to the same destination as the original.
    duplicate: `ip daddr != 127.0.0.0/8 dup to ip daddr device "${DEVICE}"`,
    // Flip bits of the transport payload's first bytes (packets without payload are left alone).
    corrupt: '@ih,0,8 set 0xff',
  }[behaviour as 'loss' | 'duplicate' | 'corrupt'];
  if (!action) throw new Error(`nft cannot do ${behaviour}`);
  return `table ip ${tableName(faultId)} {
  chain output {
    type filter hook output priority -10; policy accept;
    ${chance} ${action}
  }
}
`;
}

/** The tc qdisc arguments for a behaviour that needs tc (after `tc qdisc add dev eth0 root`). */
export function qdiscArgs(behaviour: NetemBehaviour, params: Record<string, unknown>): string[] {
  const n = (key: string) => String(params[key]);
  switch (behaviour) {
    case 'bandwidth':
      return ['tbf', 'rate', String(params.rate), 'burst', '32kbit', 'latency', '400ms'];
    case 'delay':
      return ['netem', 'delay', `${n('delayMs')}ms`, `${n('jitterMs')}ms`, `${n('correlation')}%`];
    case 'reorder':
      return ['netem', 'delay', `${n('delayMs')}ms`, `${n('jitterMs')}ms`, 'reorder', `${n('percent')}%`, `${n('correlation')}%`];
    default:
      throw new Error(`${behaviour} is done with nft, not tc`);
  }
}

/** Behaviours that need sch_netem. */
export const NETEM_ONLY: ReadonlySet<NetemBehaviour> = new Set(['delay', 'reorder']);

let netemProbe: Promise<boolean> | undefined;

/**
 * Whether this kernel has sch_netem: tried for real once, on the loopback of a
 * throwaway network namespace (nothing else is touched).
 */
export function netemSupport(): Promise<boolean> {
  const user = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  netemProbe ??= execa('unshare', [...user, '--net', 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], { reject: false }).then((r) => r.exitCode === 0);
  return netemProbe;
}

/** The one line that refuses a netem behaviour this kernel cannot do. */
export function netemMissing(behaviour: NetemBehaviour): EmuError {
  return new EmuError('CHAOS_INVALID', `chaos: netem ${behaviour} needs the kernel's sch_netem module, which this kernel lacks (tc: "Specified qdisc kind is unknown"); use netem:loss, netem:duplicate, netem:corrupt or netem:bandwidth, or a kernel with sch_netem`);
}

/** Refuse, before anything starts, netem behaviours this kernel cannot do. */
export async function checkNetemSupport(behaviours: Iterable<NetemBehaviour>): Promise<void> {
  for (const behaviour of behaviours) if (NETEM_ONLY.has(behaviour) && !(await netemSupport())) throw netemMissing(behaviour);
}

/** Where a network fault goes: a pod's sandbox (the runtime enters its network namespace). */
export type PodNetworkNamespace = Pick<PodSandbox, 'runInNetwork'>;

/** Load an nft ruleset (one fault's table) into a pod's network namespace. */
export function addRules(pod: PodNetworkNamespace, rules: string): Promise<void> {
  return pod.runInNetwork(['nft', '-f', '-'], rules);
}

/** Remove a fault's table; a namespace that is gone (the pod died) has nothing left to heal. */
export async function removeRules(pod: PodNetworkNamespace, faultId: string): Promise<void> {
  await pod.runInNetwork(['nft', 'delete', 'table', 'ip', tableName(faultId)]).catch(() => undefined);
}

export function addQdisc(pod: PodNetworkNamespace, args: string[]): Promise<void> {
  return pod.runInNetwork(['tc', 'qdisc', 'add', 'dev', DEVICE, 'root', ...args]);
}

export async function removeQdisc(pod: PodNetworkNamespace): Promise<void> {
  await pod.runInNetwork(['tc', 'qdisc', 'del', 'dev', DEVICE, 'root']).catch(() => undefined);
}
