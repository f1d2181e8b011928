import { execa } from 'execa';

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

/** Bounded wait for a growing output (a watch, a log follower) to match. */
export async function untilOutput(read: () => string, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
