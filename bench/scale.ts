// Throughput: a 200-replica Parallel StatefulSet of a trivial image until all
// Ready, against 200 bare unshare sandboxes started at once.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeRuntime } from '../src/runtime/native/native-runtime.ts';
import type { ScenarioContext } from '../src/scenario/context.ts';
import { applyManifests } from './apply.ts';
import { loadManifests } from '../src/manifest/load.ts';
import { childPids } from '../src/util/proc.ts';
import { pollUntil } from '../src/util/deadline.ts';
import { timed } from './stats.ts';
import { byKind } from '../src/api/resources.ts';

export async function benchBareSandboxes(count: number) {
  const children: ReturnType<typeof spawn>[] = [];
  const run = await timed(async () => {
    for (let i = 0; i < count; i++) {
      children.push(spawn('unshare', ['--uts', '--ipc', '--net', '--pid', '--mount', '--fork', '--kill-child=SIGKILL', '--mount-proc', 'sleep', 'infinity'], { stdio: 'ignore' }));
    }
    // Started = the namespace's first process exists under every unshare.
    await pollUntil('bare sandboxes', async () => ((await Promise.all(children.map((c) => childPids(c.pid!)))).every((k) => k.length > 0) ? true : undefined), { timeoutMs: 120_000, intervalMs: 5 });
  });
  await Promise.all(children.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))));
  return run.ms;
}

export async function benchParallel200(t: ScenarioContext) {
  return benchParallel(t, 200);
}

/** A set of `replicas` trivial pods (Parallel unless asked): apply → all Ready, then deleted again (not timed; the next run may use the other policy, which a set cannot change). */
export async function benchParallel(t: ScenarioContext, replicas: number, policy: 'Parallel' | 'OrderedReady' = 'Parallel') {
  const manifests = await loadManifests([fileURLToPath(new URL('./manifests/trivial.yaml', import.meta.url))]);
  for (const m of manifests) {
    if (m.object.kind !== 'StatefulSet') continue;
    m.object.spec.replicas = replicas;
    m.object.spec.podManagementPolicy = policy;
  }
  const run = await timed(async () => {
    await applyManifests(t, manifests);
    await t.waitForReady('trivial', Math.max(300, replicas));
  });
  await t.api.delete(byKind('StatefulSet')!, 'default', 'trivial');
  await t.engine.waitFor('trivial and its pods gone', () => (t.pods().length === 0 && !t.engine.store.find(byKind('StatefulSet')!, 'default', 'trivial') ? true : undefined), { timeoutMs: Math.max(300, replicas) * 1000 });
  await layersRemoved(t);
  return run.ms;
}

/**
 * A deleted pod's layers are removed in the background; the next run starts once
 * they are gone, or it would share the disk with hundreds of removals.
 */
async function layersRemoved(t: ScenarioContext): Promise<void> {
  const runtime = t.engine.runtime;
  if (!(runtime instanceof NativeRuntime)) return;
  const layers = dirname(runtime.sandboxDir('any'));
  await pollUntil('the deleted pods\' layers to be removed', () => (readdirSync(layers).every((name) => name === 'sandbox-rootfs') ? true : undefined), { timeoutMs: 600_000, intervalMs: 100 });
}
