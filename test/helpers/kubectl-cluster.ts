import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';

/** The real kubectl against a test's own emu cluster (its kubeconfig and a discovery cache in the test home). */
export type Kubectl = ((args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>) & { env: Record<string, string> };

export function kubectlIn(t: { home: string; env: Record<string, string> }): Kubectl {
  const env = { ...t.env, HOME: t.home, KUBECONFIG: t.env.KUBECONFIG ?? `${t.home}/kubeconfig`, PATH: process.env.PATH ?? '' };
  const run = async (args: string[]) => {
    const result = await execa('kubectl', args, { env, extendEnv: false, reject: false, timeout: 180_000, stdin: 'ignore' });
    return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
  };
  return Object.assign(run, { env });
}

/** Pods matching a label selector, in name order, as kubectl returns them. */
export async function podsOf(kubectl: Kubectl, selector: string): Promise<any[]> {
  const result = await kubectl(['get', 'pods', '-l', selector, '-o', 'json']);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout).items as any[]).filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
}

/**
 * The tutorial's `kubectl delete pod -l app=nginx` of the web StatefulSet: the
 * pods come back with the same names, new uids and new addresses. Returns the
 * pods before and after.
 */
export async function deleteWebPods(kubectl: Kubectl): Promise<{ before: any[]; after: any[] }> {
  const before = await podsOf(kubectl, 'app=nginx');
  expect((await kubectl(['delete', 'pod', '-l', 'app=nginx'])).stdout).toBe('pod "web-0" deleted\npod "web-1" deleted');
  await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=120s']);
  const after = await podsOf(kubectl, 'app=nginx');
  expect(after.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
  expect(after.map((p) => p.metadata.uid)).not.toEqual(before.map((p) => p.metadata.uid));
  expect(after.map((p) => p.status.podIP)).not.toEqual(before.map((p) => p.status.podIP));
  return { before, after };
}

/** Bounded wait for a growing output (a watch, a log follower) to match. */
export async function untilOutput(read: () => string, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One HTTPS request to the cluster's API exactly as given (method, path, body,
 * headers), with the server and client certificate of the test's kubeconfig:
 * for bodies kubectl would never send.
 */
export async function rawApiRequest(kubectl: Kubectl, method: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const config = parseYaml(readFileSync(kubectl.env.KUBECONFIG, 'utf8'));
  const context = config.contexts.find((c: any) => c.name === config['current-context']).context;
  const cluster = config.clusters.find((c: any) => c.name === context.cluster).cluster;
  const user = config.users.find((u: any) => u.name === context.user).user;
  const fromBase64 = (data: string) => Buffer.from(data, 'base64');
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: fromBase64(cluster['certificate-authority-data']),
        cert: fromBase64(user['client-certificate-data']),
        key: fromBase64(user['client-key-data']),
        headers: { ...headers, 'Content-Length': String(body.length) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
