import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { ContainerRuntimeClient } from 'testcontainers';
import { recipesFor } from '../../src/images/docker-recipes.ts';
import { NodeNetwork } from '../../src/network/node-network.ts';
import { connectDocker } from '../../src/runtime/docker/docker-client.ts';
import { pollUntil } from '../../src/util/deadline.ts';
import type { PodIdentity } from '../../src/runtime/docker/docker-names.ts';

/**
 * The Docker daemon for tests, or why there is none: tests that need Docker skip
 * with this reason (start a daemon with docker/dockerd/start.sh and build the
 * images with `emu pull --runtime docker`).
 */
export async function dockerForTests(references: string[] = ['nginx']): Promise<{ client?: ContainerRuntimeClient; skipReason: string }> {
  try {
    const client = await connectDocker();
    for (const recipe of recipesFor(references)) {
      if (!(await client.container.dockerode.getImage(recipe.tag).inspect().catch(() => undefined))) {
        return { skipReason: `image ${recipe.tag} is not built (run: node bin/emu.mjs pull --runtime docker ${references.join(' ')})` };
      }
    }
    return { client, skipReason: '' };
  } catch (error) {
    return { skipReason: (error as Error).message };
  }
}

/**
 * A stand-in node for runtime tests: a process in a fresh network namespace
 * holding the node's bridge, driven from outside (NodeNetwork with netnsOfPid).
 */
export interface TestNode {
  pid: number;
  network: NodeNetwork;
  /** Run a command in the node's network namespace. */
  run(command: string[]): Promise<{ exitCode: number; stdout: string }>;
  stop(): Promise<void>;
}

export async function startTestNode(): Promise<TestNode> {
  // unshare without --fork execs the command: the child is the node's holder.
  const child = spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  const network = new NodeNetwork({ netnsOfPid: pid });
  // The namespace exists once unshare has exec'd sleep.
  await pollUntil('the test node', async () => ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'sleep' ? true : undefined), { timeoutMs: 5000, intervalMs: 2 });
  await network.setUp();
  return {
    pid,
    network,
    run: async (command) => {
      const result = await execa('nsenter', ['-t', String(pid), '-n', '--', ...command], { reject: false, timeout: 30_000 });
      return { exitCode: result.exitCode ?? 1, stdout: result.stdout };
    },
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A pod identity in a cluster of its own (its label value is unique to the test run). */
export function testPod(name: string, cluster = `/var/tmp/emu-docker-test-${randomUUID().slice(0, 8)}`): PodIdentity {
  return { cluster, namespace: 'default', name, uid: randomUUID() };
}
