import { EmuError } from '../errors.ts';

/**
 * Allocates addresses from an IPv4 CIDR. The first host address is the gateway
 * (the node's bridge). Released addresses go to the back of the queue so a
 * rescheduled pod gets a new address, as in Kubernetes.
 */
export class IpPool {
  readonly prefixLength: number;
  readonly gateway: string;
  private next: number;
  private readonly last: number;
  private readonly inUse = new Set<number>();
  private readonly released: number[] = [];

  constructor(readonly cidr: string) {
    const { base, prefix } = parseCidr(cidr);
    this.prefixLength = prefix;
    const size = 2 ** (32 - prefix);
    this.gateway = intToIp(base + 1);
    this.next = base + 2;
    this.last = base + size - 2;
  }

  allocate(): string {
    if (this.next <= this.last) {
      const ip = this.next++;
      this.inUse.add(ip);
      return intToIp(ip);
    }
    const reused = this.released.shift();
    if (reused === undefined) throw new EmuError('RUNTIME_FAILED', `address range ${this.cidr} is exhausted`);
    this.inUse.add(reused);
    return intToIp(reused);
  }

  release(ip: string): void {
    const n = ipToInt(ip);
    if (this.inUse.delete(n)) this.released.push(n);
  }
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  const prefix = match ? Number(match[2]) : NaN;
  if (!match || prefix < 8 || prefix > 28) {
    throw new EmuError('USAGE', `invalid CIDR "${cidr}": expected an IPv4 range like 10.244.0.0/16 (prefix 8..28)`);
  }
  const mask = (~0 << (32 - prefix)) >>> 0;
  return { base: (ipToInt(match[1]) & mask) >>> 0, prefix };
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new EmuError('USAGE', `invalid IPv4 address "${ip}"`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
