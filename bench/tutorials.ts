// The Kubernetes documentation's stateful tutorials (manifests unchanged) through the
// engine, each beside one bare server started the same way, by hand, in the same run:
// the same image entrypoint and tools, without emu (only a private /tmp, and for
// ZooKeeper the hostname its script reads its id from).
import { mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { byKind } from '../src/api/resources.ts';
import { DOCKER_DIR, findImage } from '../src/images/catalog.ts';
import { loadManifests } from '../src/manifest/load.ts';
import type { ScenarioContext } from '../src/scenario/context.ts';
import { pollUntil } from '../src/util/deadline.ts';
import { applyManifests } from './apply.ts';
import { timed } from './stats.ts';

const TUTORIALS = fileURLToPath(new URL('../scenarios/manifests/k8s-tutorials/', import.meta.url));
const SETS = byKind('StatefulSet')!;
const CLAIMS = byKind('PersistentVolumeClaim')!;

/** Remove a StatefulSet of this name, its pods and its claims (`<template>-<name>-<ordinal>`): the MySQL bench uses "mysql" too. */
async function clearSet(t: ScenarioContext, name: string): Promise<void> {
  if (await t.api.find(SETS, t.namespace, name)) await t.api.delete(SETS, t.namespace, name);
  await t.engine.waitFor(`the pods of ${name} to be gone`, () => (t.pods(name).length === 0 ? true : undefined), { timeoutMs: 120_000 });
  const claimOfSet = new RegExp(`^[a-z0-9-]+-${name}-\\d+$`); // names are DNS labels: regex-safe
  const claims = (await t.api.list(CLAIMS, { namespace: t.namespace })).items.filter((c) => claimOfSet.test(c.metadata.name));
  for (const claim of claims) await t.api.delete(CLAIMS, t.namespace, claim.metadata.name);
  await t.engine.waitFor(`the claims of ${name} to be gone`, () => (claims.some((c) => t.engine.store.find(CLAIMS, t.namespace, c.metadata.name)) ? undefined : true), { timeoutMs: 120_000 });
}

/** A command in a mount namespace of its own with a private /tmp (as a pod's), optionally with a hostname. */
function isolated(script: string, args: string[], env: Record<string, string>, hostname?: string): ResultPromise {
  const uts = hostname ? ['--uts'] : [];
  const setHost = hostname ? `hostname ${hostname}; ` : '';
  return execa('unshare', ['--mount', ...uts, '--propagation', 'private', '--fork', '--kill-child=SIGKILL', 'sh', '-c', `${setHost}mount -t tmpfs tmpfs /tmp && exec "$@"`, 'bare', script, ...args], { env, reject: false });
}

async function stop(server: ResultPromise): Promise<void> {
  server.kill('SIGKILL'); // unshare --kill-child takes the server with it
  await server;
}

export async function benchTutorialMysql(t: ScenarioContext) {
  await clearSet(t, 'mysql');
  const manifests = await loadManifests(['mysql-configmap.yaml', 'mysql-services.yaml', 'mysql-statefulset.yaml'].map((f) => TUTORIALS + f));
  const three = await timed(async () => {
    await applyManifests(t, manifests);
    await t.waitForReady('mysql', 600);
  });
  const five = await timed(async () => {
    await t.scale('mysql', 5);
    await t.waitForReady('mysql', 600);
  });
  await clearSet(t, 'mysql');
  return { threeMs: three.ms, fiveMs: five.ms };
}

/**
 * One bare server the tutorial's way: the mysql image's entrypoint on an empty datadir with
 * MYSQL_ALLOW_EMPTY_PASSWORD and log-bin, until `mysql -h 127.0.0.1 -e 'SELECT 1'` answers; then
 * one clone of it as the tutorial's xtrabackup container makes one (stream, extract, prepare, start).
 */
export async function benchBareTutorialMysql(workDir: string) {
  const dir = await mkdtemp(`${workDir}/bare-tutorial-mysql-`);
  // The images' material from the checkout (a container sees it at IMAGE_DIR).
  const env = { PATH: `${DOCKER_DIR}xtrabackup/bin:${process.env.PATH}`, HOME: '/root', MYSQL_ALLOW_EMPTY_PASSWORD: '1' };
  const server = (name: string, port: number, extra: string[]) =>
    isolated(`${DOCKER_DIR}mysql/entrypoint.sh`, ['mysqld', `--datadir=${dir}/${name}`, `--socket=${dir}/${name}.sock`, `--pid-file=${dir}/${name}.pid`, `--port=${port}`, '--bind-address=127.0.0.1', ...extra], env);
  const answering = (port: number) =>
    pollUntil(`bare mariadbd on :${port}`, () => execa('mysql', ['-h', '127.0.0.1', '-P', String(port), '-uroot', '-e', 'SELECT 1'], { reject: false }).then((r) => (r.exitCode === 0 ? true : undefined)), { timeoutMs: 120_000, intervalMs: 20 });

  const servers: ResultPromise[] = [];
  try {
    const primary = await timed(async () => {
      servers.push(server('primary', 13306, ['--log-bin', '--server-id=100']));
      await answering(13306);
    });
    const clone = await timed(async () => {
      const stream = `mkdir ${dir}/clone && xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --port=13306 --user=root --datadir=${dir}/primary | xbstream -x -C ${dir}/clone`;
      await execa('sh', ['-c', `${stream} && xtrabackup --prepare --target-dir=${dir}/clone`], { env, stdio: 'ignore' });
      servers.push(server('clone', 13307, ['--server-id=101', '--read-only']));
      await answering(13307);
    });
    return { serverMs: primary.ms, cloneMs: clone.ms };
  } finally {
    for (const child of servers) await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchZookeeper(t: ScenarioContext) {
  const manifests = await loadManifests([TUTORIALS + 'zookeeper.yaml']);
  const ensemble = await timed(async () => {
    await applyManifests(t, manifests);
    await t.waitForReady('zk', 600);
  });
  await clearSet(t, 'zk');
  return { ensembleMs: ensemble.ms };
}

/** One bare server the tutorial's way: start-zookeeper (--servers=1, the tutorial's other flags) until zookeeper-ready answers. */
export async function benchBareZookeeper(workDir: string) {
  const dir = await mkdtemp(`${workDir}/bare-zookeeper-`);
  const image = findImage('registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10');
  const env = { PATH: `${DOCKER_DIR}zookeeper/bin:${process.env.PATH}`, HOME: '/root', ...image.pullEnv };
  const flags = [`--data_dir=${dir}/data`, `--data_log_dir=${dir}/data/log`, `--conf_dir=${dir}/conf`, '--client_port=12181', '--heap=512M', '--log_level=WARN'];
  let child: ResultPromise | undefined;
  try {
    const server = await timed(() => {
      child = isolated(`${DOCKER_DIR}zookeeper/bin/start-zookeeper`, ['--servers=1', ...flags], env, 'zk-0');
      return pollUntil('bare zookeeper', () => execa(`${DOCKER_DIR}zookeeper/bin/zookeeper-ready`, ['12181'], { reject: false }).then((r) => (r.exitCode === 0 ? true : undefined)), { timeoutMs: 120_000, intervalMs: 20 });
    });
    return { serverMs: server.ms };
  } finally {
    if (child) await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}
