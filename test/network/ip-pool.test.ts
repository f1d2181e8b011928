import { describe, expect, it } from 'vitest';
import { EmuError } from '../../src/errors.ts';
import { IpPool, intToIp, ipToInt, parseCidr } from '../../src/network/ip-pool.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EmuError);
    return (error as EmuError).code;
  }
  return undefined;
}

describe('ipToInt / intToIp', () => {
  it('round-trips addresses across the whole range, unsigned', () => {
    for (const ip of ['0.0.0.0', '10.244.0.1', '127.0.0.1', '192.168.255.254', '255.255.255.255']) {
      const n = ipToInt(ip);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(intToIp(n)).toBe(ip);
    }
    expect(ipToInt('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(ipToInt('10.0.1.0') - ipToInt('10.0.0.255')).toBe(1);
  });

  it('rejects malformed addresses as usage errors', () => {
    for (const bad of ['10.0.0', '10.0.0.0.1', '256.0.0.1', '10.0.-1.1', 'a.b.c.d', '1.2.3.4.5', '']) {
      expect(codeOf(() => ipToInt(bad)), bad).toBe('USAGE');
    }
  });
});

describe('parseCidr', () => {
  it('masks host bits off the base address', () => {
    expect(parseCidr('10.244.3.77/16')).toEqual({ base: ipToInt('10.244.0.0'), prefix: 16 });
    expect(parseCidr('192.168.1.200/28')).toEqual({ base: ipToInt('192.168.1.192'), prefix: 28 });
  });

  it('rejects anything that is not an IPv4 range with prefix 8..28', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/7', '10.0.0.0/29', '10.0.0.0/32', 'fd00::/64', 'x/16', '10.0.0.0/16 ']) {
      const error = (() => {
        try {
          parseCidr(bad);
        } catch (e) {
          return e as EmuError;
        }
        return undefined;
      })();
      expect(error, bad).toBeInstanceOf(EmuError);
      expect(error!.code).toBe('USAGE');
      expect(error!.message).toContain(bad);
    }
    expect(codeOf(() => parseCidr('300.0.0.0/16'))).toBe('USAGE');
  });
});

describe('IpPool', () => {
  it('uses the first host address as the gateway and hands out the following ones', () => {
    const pool = new IpPool('10.244.0.0/16');
    expect(pool.gateway).toBe('10.244.0.1');
    expect(pool.prefixLength).toBe(16);
    expect([pool.allocate(), pool.allocate(), pool.allocate()]).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
  });

  it('derives the gateway from the masked network, not the written address', () => {
    const pool = new IpPool('10.1.2.77/24');
    expect(pool.gateway).toBe('10.1.2.1');
    expect(pool.allocate()).toBe('10.1.2.2');
  });

  it('crosses octet boundaries inside a wide range (x.y.0.255 and x.y.1.0 are ordinary hosts in a /16)', () => {
    const pool = new IpPool('10.0.0.0/16');
    const got: string[] = [];
    for (let i = 0; i < 256; i++) got.push(pool.allocate());
    expect(got).toContain('10.0.0.255');
    expect(got).toContain('10.0.1.0');
    expect(new Set(got).size).toBe(256);
  });

  it('never hands out the network, gateway or broadcast address, and runs out after the usable hosts', () => {
    const pool = new IpPool('192.168.5.0/28'); // 16 addresses: .0 network, .1 gateway, .15 broadcast
    const got: string[] = [];
    for (let i = 0; i < 13; i++) got.push(pool.allocate());
    expect(got).toEqual(Array.from({ length: 13 }, (_, i) => `192.168.5.${i + 2}`));
    expect(got).not.toContain('192.168.5.0');
    expect(got).not.toContain('192.168.5.1');
    expect(got).not.toContain('192.168.5.15');
    let error: unknown;
    try {
      pool.allocate();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmuError);
    expect((error as EmuError).code).toBe('RUNTIME_FAILED');
    expect((error as EmuError).message).toContain('192.168.5.0/28');
  });

  it('gives a rescheduled pod a new address while unused ones remain', () => {
    const pool = new IpPool('10.0.0.0/24');
    const first = pool.allocate();
    pool.release(first);
    const second = pool.allocate();
    expect(second).not.toBe(first);
  });

  it('reuses released addresses oldest-first once the range is exhausted', () => {
    const pool = new IpPool('10.9.0.0/28');
    const all = Array.from({ length: 13 }, () => pool.allocate());
    pool.release(all[5]);
    pool.release(all[2]);
    expect(pool.allocate()).toBe(all[5]);
    expect(pool.allocate()).toBe(all[2]);
    expect(() => pool.allocate()).toThrow(EmuError);
  });

  it('ignores releases of addresses it did not hand out, and double releases', () => {
    const pool = new IpPool('10.9.0.0/28');
    const all = Array.from({ length: 13 }, () => pool.allocate());
    pool.release(all[0]);
    pool.release(all[0]);
    pool.release(pool.gateway);
    pool.release('10.9.0.15');
    pool.release('172.16.0.9');
    expect(pool.allocate()).toBe(all[0]);
    expect(() => pool.allocate()).toThrow(EmuError);
  });

  it('never has the same address allocated twice at once', () => {
    const pool = new IpPool('10.7.0.0/28');
    const live = new Set<string>();
    for (let i = 0; i < 13; i++) live.add(pool.allocate());
    for (let round = 0; round < 50; round++) {
      const victim = [...live][(round * 7) % live.size];
      live.delete(victim);
      pool.release(victim);
      const ip = pool.allocate();
      expect(live.has(ip)).toBe(false);
      live.add(ip);
    }
    expect(live.size).toBe(13);
  });
});
