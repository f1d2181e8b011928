// The node's one long-lived ip: each request learns its own outcome. Only
// read-only commands here (`link show`), in this process's network namespace.
import { afterAll, describe, expect, it } from 'vitest';
import { IpShell } from '../../src/network/ip-shell.ts';

const shell = new IpShell();
afterAll(() => shell.close());

describe('IpShell', () => {
  it('resolves a request whose commands succeed, rejects one whose command fails, with ip\'s complaint', async () => {
    await expect(shell.run(['link show dev lo'])).resolves.toBeUndefined();
    await expect(shell.run(['link show dev lo', 'link show dev emunope0'])).rejects.toThrow('Device "emunope0" does not exist.');
  });

  it('keeps requests in flight together apart: a failure is reported to its own request only', async () => {
    const results = await Promise.allSettled([shell.run(['link show dev lo']), shell.run(['link show dev emunope1']), shell.run(['link show dev lo', 'link show dev lo'])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toContain('emunope1');
  });
});
