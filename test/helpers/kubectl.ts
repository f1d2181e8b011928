import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { emu } from './emu-cli.ts';

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

/** The real kubectl against an emu cluster: its kubeconfig from `emu kubeconfig`, kubectl's cache in the test's home. */
export interface ClusterKubectl {
  env: Record<string, string>;
  run(args: string[], options?: { timeoutMs?: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export async function kubectlFor(t: { home: string; env: Record<string, string> }): Promise<ClusterKubectl> {
  const config = await emu(['kubeconfig'], t.env);
  if (config.exitCode !== 0) throw new Error(`emu kubeconfig failed: ${config.stderr}`);
  const kubeconfig = join(t.home, 'kubeconfig');
  writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
  const env = { HOME: t.home, KUBECONFIG: kubeconfig, PATH: process.env.PATH ?? '' };
  return {
    env,
    run: async (args, options = {}) => {
      const result = await execa('kubectl', args, { env, extendEnv: false, reject: false, timeout: options.timeoutMs ?? 120_000, stdin: 'ignore' });
      return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** One pod watch event as `kubectl get pods -w --output-watch-events` reports it. */
export interface PodWatchEvent {
  type: string;
  name: string;
  terminating: boolean;
  ready: boolean;
}

/** `kubectl get pods -l SELECTOR -w`, recorded event by event until stop(). */
export function watchPods(kubectl: ClusterKubectl, selector: string): { events: PodWatchEvent[]; seen(check: (events: PodWatchEvent[]) => boolean): Promise<void>; stop(): Promise<void> } {
  const template = '{.type}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}|{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}';
  const child = execa('kubectl', ['get', 'pods', '-l', selector, '-w', '--output-watch-events', '-o', `jsonpath=${template}`], { env: kubectl.env, extendEnv: false, reject: false, stdin: 'ignore' });
  const events: PodWatchEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const [type, name, deletion, ready] = line.split('|');
      events.push({ type, name, terminating: Boolean(deletion), ready: ready === 'True' });
    }
    for (const waiter of waiters) waiter();
  });
  return {
    events,
    seen: (check) =>
      new Promise<void>((resolve) => {
        const waiter = () => {
          if (!check(events)) return;
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
        waiter();
      }),
    stop: async () => {
      child.kill();
      await child;
    },
  };
}
