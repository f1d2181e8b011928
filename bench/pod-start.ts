// Pod-start overhead: emu's full pod start (sandbox, network, container with its
// own root filesystem) against a bare unshare creating the same namespaces and
// running `true`.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { defaultSecurity } from '../src/kubelet/security-context.ts';
import type { ContainerRuntime } from '../src/runtime/container-runtime.ts';
import { PodRuntime } from '../src/runtime/pod-runtime.ts';
import { summarize, timed } from './stats.ts';

const NAMESPACES = ['--uts', '--ipc', '--net', '--pid', '--mount', '--fork', '--mount-proc'];

export async function benchPodStart(runtime: ContainerRuntime, workDir: string, runs = 40) {
  const bare: number[] = [];
  const emu: number[] = [];
  const dnsDir = `${workDir}/dns`;
  await mkdir(dnsDir, { recursive: true });
  await writeFile(`${dnsDir}/hosts`, '127.0.0.1 localhost\n');
  for (let i = 0; i < runs; i++) {
    // Interleave the two so machine noise hits both alike.
    bare.push((await timed(() => execa('unshare', [...NAMESPACES, 'true']))).ms);
    emu.push(
      (
        await timed(async () => {
          const pod = new PodRuntime(
            {
              uid: `bench-${i}`,
              name: `bench-${i}`,
              namespace: 'default',
              hostname: `bench-${i}`,
              initContainers: [],
              containers: [{ name: 'main', image: 'busybox', argv: ['true'], env: [], mounts: [], security: defaultSecurity() }],
              terminationGracePeriodSeconds: 1,
              restartPolicy: 'Never',
              shareProcessNamespace: false,
              resolvConf: 'nameserver 127.0.0.1\n',
              hostUsers: false,
              scratchDir: `${workDir}/pod-${i}`,
              dnsDir,
            },
            runtime,
          );
          const exited = new Promise<void>((resolve) => pod.on('change', () => pod.status.containerStatuses[0].current.state === 'terminated' && resolve()));
          await pod.start();
          await exited;
          await pod.stop(0);
        })
      ).ms,
    );
    await rm(`${workDir}/pod-${i}`, { recursive: true, force: true });
  }
  return { bare: summarize(bare), emu: summarize(emu) };
}
