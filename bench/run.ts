// npm run bench: emu's speed goals, each measured side by side with a baseline
// in the same run, written with the machine's description into BENCHMARKS.md.
// Runs inside a node of its own (fresh PID, network and mount namespaces).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../src/engine/cluster.ts';
import { clusterPaths } from '../src/engine/cluster-paths.ts';
import { pullImages } from '../src/images/pull.ts';
import { ScenarioContext } from '../src/scenario/context.ts';
import { silentProgress } from '../src/util/progress.ts';
import { insideNode, nodeCommand } from '../src/node/enter-node.ts';
import { benchKubectlVsEmu, benchWatchLatency } from './api.ts';
import { benchBareMariadb } from './baseline-mariadb.ts';
import { benchBareFaults, benchChaosSuite, percentiles } from './chaos.ts';
import { benchCheckers } from './checkers.ts';
import { benchBareElasticsearchNode, benchElasticsearch } from './elasticsearch.ts';
import { benchMysql, benchMysqlScenario } from './mysql.ts';
import { benchPodStart } from './pod-start.ts';
import { benchRuntime } from './runtimes.ts';
import { connectDocker } from '../src/runtime/docker/docker-client.ts';
import { benchBareSandboxes, benchParallel, benchParallel200 } from './scale.ts';
import { benchBareTutorialMysql, benchBareZookeeper, benchTutorialMysql, benchZookeeper } from './tutorials.ts';

interface Row {
  what: string;
  emu: string;
  baseline: string;
  goal: string;
  met: boolean;
}

const ms = (n: number) => `${Math.round(n)} ms`;
const s = (n: number) => `${(n / 1000).toFixed(2)} s`;

const SECTIONS = process.env.BENCH_ONLY ?? 'core,scale,api,mysql,es,tutorials,check';
const only = SECTIONS.split(',');
/** Sections that need a cluster (and so a node of their own); `check` needs neither. */
const needsCluster = only.some((s) => ['core', 'scale', 'api', 'mysql', 'es', 'tutorials'].includes(s));

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (only.includes('check')) rows.push(...checkRows(await benchCheckers()));
  if (only.includes('docker')) rows.push(...(await runtimeRows()));
  if (only.includes('chaos')) rows.push(...(await chaosRows()));
  if (needsCluster) await clusterSections(rows);
  report(rows);
}

function checkRows(benches: Awaited<ReturnType<typeof benchCheckers>>): Row[] {
  return benches.map((b, i) => {
    const goal = i === 0 ? '< 10 s' : '—';
    return {
      what: `${b.what} (${b.verdict})`,
      emu: `${s(b.poolMs)} on ${b.threads} worker threads (${s(b.warmPoolMs)} with threads already started; speed-up ×${(b.oneThreadMs / b.warmPoolMs).toFixed(2)})`,
      baseline: `${s(b.oneThreadMs)} (the same check on one thread)`,
      goal,
      met: i === 0 ? b.poolMs < 10_000 : true,
    };
  });
}

/** Native against Docker, each measurement on both in this run; goal: native at least 5× faster. */
async function runtimeRows(): Promise<Row[]> {
  const native = await benchRuntime('native');
  const docker = await benchRuntime('docker');
  const daemon = await (await connectDocker()).container.dockerode.info();
  const row = (what: string, key: 'podStartMs' | 'mysqlReadyMs' | 'replicaMs' | 'scenarioMs', format: (n: number) => string): Row => {
    const ratio = docker[key] / native[key];
    return { what, emu: `${format(native[key])} native (×${ratio.toFixed(1)} faster)`, baseline: `${format(docker[key])} (the Docker runtime: dockerd ${daemon.ServerVersion}, ${daemon.Driver})`, goal: 'native ≥ 5× faster', met: ratio >= 5 };
  };
  const passed = (r: typeof native) => (r.passed ? '' : ', FAILED');
  return [
    row('pod start p50 (sandbox + container `true`), native vs docker', 'podStartMs', ms),
    row('MySQL 3 replicas all Ready, cold, native vs docker', 'mysqlReadyMs', s),
    row('MySQL replica delete → Ready, native vs docker', 'replicaMs', s),
    row(`whole \`emu run scenarios/mysql-rw.ts\`, native vs docker${passed(native)}${passed(docker)}`, 'scenarioMs', s),
  ];
}

/** The MySQL chaos suite (seed 11): fault latencies and faults per minute, beside the bare kernel effects. */
async function chaosRows(): Promise<Row[]> {
  const bare = await benchBareFaults();
  const suite = await benchChaosSuite();
  const p = (samples: number[]) => {
    const q = percentiles(samples);
    return `p50 ${ms(q.p50)}, p99 ${ms(q.p99)} (${q.n})`;
  };
  const kinds = [...suite.issued.keys()].sort();
  const perMinute = suite.applied / (suite.durationMs / 60_000);
  const verdict = suite.passed ? 'every check holding' : 'a check FAILED';
  return [
    ...kinds.map((kind) => ({
      what: `fault latency, ${kind}: issued (its pods running) → in force, as the API reports it`,
      emu: p(suite.issued.get(kind)!),
      baseline: kind === 'pod-kill' ? `${p(bare.killMs)} (bare: SIGKILL of a process in its own PID namespace → its parent sees it gone)` : kind === 'partition' ? `${p(bare.partitionMs)} (bare: nft -f of one partition table into a network namespace)` : '—',
      goal: '—',
      met: true,
    })),
    { what: 'fault latency, every fault: issued → in force', emu: p([...suite.issued.values()].flat()), baseline: '—', goal: '—', met: true },
    { what: 'fault latency, every fault: scheduled start → in force (incl. waiting for pods still restarting)', emu: p(suite.scheduledToEffect), baseline: '—', goal: '—', met: true },
    { what: `faults per minute sustained by \`emu run scenarios/mysql-chaos.ts --seed 11\` (${verdict})`, emu: `${perMinute.toFixed(1)} (${suite.applied} of ${suite.scheduled} applied in ${suite.durationMs / 1000} s; whole run ${s(suite.wallMs)})`, baseline: 'not measured; reference: Jepsen\'s default is one fault every 10 s (6 a minute)', goal: '≥ 30 faults in the CI run', met: suite.passed && suite.applied >= 30 },
  ];
}

async function clusterSections(rows: Row[]): Promise<void> {
  const home = await mkdtemp('/var/tmp/emu-bench-');
  process.env.EMU_HOME = home;
  const cluster = await Cluster.start({ paths: clusterPaths('bench', home) });
  const t = new ScenarioContext(cluster, silentProgress, () => undefined);
  try {
    if (only.includes('core')) {
      const start = await benchPodStart(cluster.runtime, `${home}/podstart`);
      const overhead = start.emu.median - start.bare.median;
      rows.push({ what: `pod start, median of ${start.emu.n} (sandbox + network + container \`true\`)`, emu: ms(start.emu.median), baseline: `${ms(start.bare.median)} (bare unshare, same namespaces, \`true\`)`, goal: 'overhead ≤ 10 ms', met: overhead <= 10 });
      rows.push({ what: 'pod start overhead over bare unshare (median difference)', emu: ms(overhead), baseline: '—', goal: '≤ 10 ms', met: overhead <= 10 });
      const bare200 = await benchBareSandboxes(200);
      const emu200 = await benchParallel200(t);
      rows.push({ what: '200-replica Parallel StatefulSet, apply → all Ready', emu: s(emu200), baseline: `${s(bare200)} (200 bare unshare sandboxes at once)`, goal: '< 5 s', met: emu200 < 5000 });
    }
    if (only.includes('scale')) {
      // The control plane's cost per pod must stay flat as the cluster grows.
      const times = new Map<number, number>();
      for (const n of [100, 200, 400, 800]) times.set(n, await benchParallel(t, n));
      const per = (n: number) => `${(times.get(n)! / n).toFixed(1)} ms/pod`;
      for (const n of [100, 200, 400, 800]) {
        rows.push({ what: `${n}-replica Parallel StatefulSet, apply → all Ready`, emu: `${s(times.get(n)!)} (${per(n)})`, baseline: n === 100 ? '—' : `${s(times.get(100)! * (n / 100))} (100 pods' time × ${n / 100}: linear)`, goal: n === 800 ? '≤ 4 × the 200-pod time' : '—', met: n === 800 ? times.get(800)! <= 4 * times.get(200)! : true });
      }
    }
    if (only.includes('api')) {
      for (const [policy, n] of [['OrderedReady', 20], ['Parallel', 50]] as const) {
        const watch = await benchWatchLatency(cluster, t, n, policy);
        rows.push({ what: `watch event latency, pod Ready (store write) → a client process watching over HTTPS; ${n} pods, ${policy}`, emu: `p50 ${watch.median.toFixed(1)} ms, p99 ${watch.p99.toFixed(1)} ms`, baseline: '—', goal: '≤ 10 ms', met: watch.median <= 10 });
      }
      const cli = await benchKubectlVsEmu(200);
      rows.push({ what: '`kubectl get pods`, 200 pods (median of 5)', emu: ms(cli.getKubectl), baseline: `${ms(cli.getEmu)} (\`emu get pods\`, same cluster)`, goal: '—', met: true });
      rows.push({ what: '`kubectl apply` of a 200-replica set + `kubectl rollout status`', emu: s(cli.kubectlApply), baseline: `${s(cli.emuApply)} (\`emu apply\` + \`emu rollout status\`, same cluster)`, goal: '—', met: true });
    }
    if (only.includes('mysql')) {
      const bare = await benchBareMariadb(home);
      const m = await benchMysql(t);
      rows.push({ what: 'MySQL 3 replicas all Ready, cold (fresh volumes)', emu: s(m.coldMs), baseline: `${s(bare.coldMs)} (1 bare mariadbd: install-db + start)`, goal: '≤ 15 s', met: m.coldMs <= 15_000 });
      rows.push({ what: 'MySQL 3 replicas all Ready, warm (existing volumes)', emu: s(m.warmMs), baseline: `${s(bare.warmMs)} (1 bare mariadbd on existing data)`, goal: '≤ 6 s', met: m.warmMs <= 6000 });
      rows.push({ what: 'MySQL replica delete → Ready', emu: s(m.replicaMs), baseline: 'not measured; reference: the Kubernetes default grace period alone is 30 s', goal: '≤ 2 s', met: m.replicaMs <= 2000 });
      rows.push({ what: 'MySQL primary delete → both replicas replicating a new write', emu: s(m.primaryMs), baseline: 'not measured; reference: default MASTER_CONNECT_RETRY is 60 s', goal: '≤ 3 s', met: m.primaryMs <= 3000 });
      const scenario = await benchMysqlScenario();
      rows.push({ what: `whole \`emu run scenarios/mysql-rw.ts\` (${scenario.passed ? 'passed' : 'FAILED'})`, emu: s(scenario.ms), baseline: 'not measured (no Docker here); reference: 3 MySQL containers under Testcontainers take ≈ 14 s each', goal: '—', met: scenario.passed });
    }
    if (only.includes('es')) {
      const bare = await benchBareElasticsearchNode(home);
      const es = await benchElasticsearch(t);
      rows.push({ what: 'Elasticsearch 3 nodes (512 MB heaps), apply → green', emu: s(es.greenMs), baseline: `${s(bare)} (1 bare ES node, single-node, answering)`, goal: '≤ 45 s', met: es.greenMs <= 45_000 });
      rows.push({ what: 'Elasticsearch data node delete → green', emu: s(es.dataNodeMs), baseline: 'not measured (no Docker here); reference: one ES container under Testcontainers takes ≈ 20 s', goal: '—', met: true });
    }
    if (only.includes('tutorials')) {
      await pullImages(['mysql:5.7', 'gcr.io/google-samples/xtrabackup:1.0', 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10'], silentProgress);
      const bare = await benchBareTutorialMysql(home);
      const m = await benchTutorialMysql(t);
      const readiness = 'each pod waits ≥ 5 s (readinessProbe initialDelaySeconds)';
      rows.push({ what: `Kubernetes MySQL tutorial, 3 replicas Ready (2 cloned over ncat; ${readiness})`, emu: s(m.threeMs), baseline: `${s(bare.serverMs)} (1 bare server, the image's entrypoint, log-bin)`, goal: '—', met: true });
      rows.push({ what: 'Kubernetes MySQL tutorial, scale 3 → 5 (mysql-3 cloned from mysql-2, mysql-4 from mysql-3)', emu: s(m.fiveMs), baseline: `${s(bare.cloneMs)} (1 bare clone: xtrabackup stream, prepare, start)`, goal: '—', met: true });
      const zkBare = await benchBareZookeeper(home);
      const zk = await benchZookeeper(t);
      rows.push({ what: 'Kubernetes ZooKeeper tutorial, ensemble of 3 Ready (each pod waits ≥ 10 s: initialDelaySeconds)', emu: s(zk.ensembleMs), baseline: `${s(zkBare.serverMs)} (1 bare server: start-zookeeper --servers=1)`, goal: '—', met: true });
    }
  } finally {
    await cluster.shutdown();
    await rm(home, { recursive: true, force: true });
  }
}

function report(rows: Row[]): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, ${readFileSync('/etc/debian_version', 'utf8').trim().replace(/^/, 'Debian ')}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end`;
  const table = ['| measurement | emu | baseline (measured in the same run unless marked) | goal | met |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.what} | ${r.emu} | ${r.baseline} | ${r.goal} | ${r.met ? 'yes' : 'no'} |`)];
  console.log(`machine: ${machine}\n${table.join('\n')}`);
  if (process.env.BENCH_WRITE === '0') return;
  const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const section = `## ${SECTIONS} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${machine}\n\n${table.join('\n')}\n`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nWritten by `npm run bench` (`BENCH_ONLY=core|scale|api|mysql|es|tutorials|check|docker|chaos` picks sections). Every emu number is measured beside its baseline in the same run, on the machine named with it.\n\n';
  }
  writeFileSync(file, text.trimEnd() + '\n\n' + section);
}

if (insideNode() || !needsCluster) {
  await main();
  process.exit(0);
} else {
  // Re-run this file inside a fresh node.
  const { file, args } = nodeCommand([]);
  const child = spawn(file, [...args.slice(0, args.indexOf(process.execPath) + 1), '--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, EMU_NODE: '1' } });
  child.on('exit', (code) => process.exit(code ?? 1));
}
