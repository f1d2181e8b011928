import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment for running the real kubectl against a test's own API server
 * over plain HTTP (no credentials): a kubeconfig in `dir`, which is also HOME so
 * that kubectl's discovery cache stays in the test's directory.
 */
export function kubectlEnv(dir: string, server: string): Record<string, string> {
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test', namespace: 'default' } }],
      users: [{ name: 'test', user: {} }],
      'current-context': 'test',
    }),
  );
  return { HOME: dir, KUBECONFIG: kubeconfig, PATH: process.env.PATH ?? '' };
}
