// Docker runtime start times (issue #11 groundwork), on emu's private dockerd:
//   tsx bench/docker-pod-start.ts [runs]
// - container start: one container (base image, network none) created and started by testcontainers;
// - pod start: pause container plugged into a node's bridge + one nginx container started;
// - pod serving: the same, until the node gets nginx's page at the pod IP.
// Needs a daemon (docker/dockerd/start.sh) and the images (emu pull --runtime docker).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { GenericContainer } from 'testcontainers';
import { writeHostsFile } from '../src/network/hosts-file.ts';
import { BASE_TAG } from '../src/images/docker-recipes.ts';
import { removeClusterContainers } from '../src/runtime/docker/cleanup.ts';
import { connectDocker } from '../src/runtime/docker/docker-client.ts';
import { DockerContainer } from '../src/runtime/docker/docker-container.ts';
import { podLabels } from '../src/runtime/docker/docker-names.ts';
import { DockerSandbox } from '../src/runtime/docker/docker-sandbox.ts';
// The stand-in node the runtime tests use: a network namespace with the node's bridge, driven from outside.
import { startTestNode, testPod } from '../test/helpers/docker.ts';
import { summarize, timed } from './stats.ts';

const runs = Number(process.argv[2] ?? 20);
const client = await connectDocker();
const node = await startTestNode();
const dir = await mkdtemp('/var/tmp/emu-bench-docker-');
const cluster = dir;
const dnsDir = `${dir}/dns`;
await mkdir(`${dir}/www`, { recursive: true });
await mkdir(dnsDir);
await writeFile(`${dir}/www/index.html`, 'ok\n');
await writeHostsFile(dnsDir, '127.0.0.1\tlocalhost\n');
const container: number[] = [];
const pod: number[] = [];
const serving: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const one = await timed(() => new GenericContainer(BASE_TAG).withNetworkMode('none').withLabels(podLabels(testPod('bench', cluster), 'container')).withCommand(['sleep', 'infinity']).start());
    container.push(one.ms);
    await one.value.stop({ timeout: 0 });

    const identity = testPod(`web-${i}`, cluster);
    const start = performance.now();
    const sandbox = await DockerSandbox.run(client, { pod: identity, hostname: identity.name, nodeHostPid: node.pid, network: node.network });
    const web = await DockerContainer.start(client, sandbox, { name: 'nginx', image: 'nginx', env: {}, mounts: [{ source: `${dir}/www`, target: '/usr/share/nginx/html', readOnly: true }], dnsDir });
    pod.push(performance.now() - start);
    while ((await node.run(['curl', '-s', '--max-time', '1', `http://${sandbox.ip}/`])).stdout !== 'ok') await new Promise((r) => setTimeout(r, 5));
    serving.push(performance.now() - start);
    await web.stop(0);
    await sandbox.remove();
  }
} finally {
  await removeClusterContainers(client, cluster);
  await node.stop();
  await rm(dir, { recursive: true, force: true });
}
const line = (what: string, samples: number[]) => {
  const s = summarize(samples);
  console.log(`${what}: p50 ${Math.round(s.median)} ms (p10 ${Math.round(s.p10)}, p90 ${Math.round(s.p90)}, n=${s.n})`);
};
line('container start (testcontainers, network none)', container);
line('pod start (pause on the node bridge + nginx started)', pod);
line('pod serving (… + nginx answers at the pod IP)', serving);
