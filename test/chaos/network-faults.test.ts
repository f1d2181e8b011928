import { describe, expect, it } from 'vitest';
import { describeCuts, isolate } from '../../src/chaos/injector.ts';
import { packetRules, partitionRules, qdiscArgs, tableName } from '../../src/chaos/network-faults.ts';

describe('network fault rules', () => {
  it('cut a pod off from its peers in both directions, in a table of the fault’s own', () => {
    const rules = partitionRules('chaos-7-3-partition', ['10.244.0.5', '10.244.0.9']);
    expect(tableName('chaos-7-3-partition')).toBe('emu_chaos_chaos_7_3_partition');
    expect(rules).toContain('table ip emu_chaos_chaos_7_3_partition');
    expect(rules).toMatch(/hook input[^}]*ip saddr \{ 10\.244\.0\.5, 10\.244\.0\.9 \} drop/s);
    expect(rules).toMatch(/hook output[^}]*ip daddr \{ 10\.244\.0\.5, 10\.244\.0\.9 \} drop/s);
  });

  it('loss, duplicate and corrupt hit a share of what the pod sends; 100 % hits everything', () => {
    expect(packetRules('f1', 'loss', 20)).toContain('meta oifname "eth0" numgen random mod 100 < 20 drop');
    expect(packetRules('f1', 'loss', 100)).toContain('meta oifname "eth0" drop');
    expect(packetRules('f1', 'duplicate', 20)).toContain('dup to ip daddr device "eth0"');
    expect(packetRules('f1', 'corrupt', 5)).toContain('@ih,0,8 set 0xff');
  });

  it('bandwidth is a tbf qdisc; delay and reorder are netem', () => {
    expect(qdiscArgs('bandwidth', { rate: '1mbit' })).toEqual(['tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '400ms']);
    expect(qdiscArgs('delay', { delayMs: 50, jitterMs: 10, correlation: 25 })).toEqual(['netem', 'delay', '50ms', '10ms', '25%']);
    expect(qdiscArgs('reorder', { delayMs: 50, jitterMs: 10, percent: 20, correlation: 75 })).toEqual(['netem', 'delay', '50ms', '10ms', 'reorder', '20%', '75%']);
  });

  it('isolating pods cuts every link to the others, described per pod', () => {
    const cuts = isolate(['mysql-0'], ['mysql-0', 'mysql-1', 'mysql-2']);
    expect(cuts).toEqual([['mysql-0', 'mysql-1'], ['mysql-0', 'mysql-2']]);
    expect(describeCuts(cuts)).toBe('mysql-0 cut off from mysql-1, mysql-2');
  });
});
