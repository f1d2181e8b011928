import { Command, CommanderError } from 'commander';
import { EmuError } from '../errors.ts';
import { applyCommand } from './commands/apply.ts';
import { deleteCommand } from './commands/delete.ts';
import { describeCommand } from './commands/describe.ts';
import { downCommand } from './commands/down.ts';
import { execCommand } from './commands/exec.ts';
import { getCommand } from './commands/get.ts';
import { logsCommand } from './commands/logs.ts';
import { portForwardCommand } from './commands/port-forward.ts';
import { pullCommand } from './commands/pull.ts';
import { scaleCommand } from './commands/scale.ts';

const program = new Command('emu')
  .description('Run Kubernetes StatefulSets on this machine as real namespaced processes')
  .option('--cluster <name>', 'which local cluster (default: $EMU_CLUSTER or "default")')
  .version('0.1.0')
  .showHelpAfterError('(run emu --help for usage)')
  .exitOverride()
  .hook('preAction', (cmd) => {
    const cluster = cmd.opts().cluster as string | undefined;
    if (cluster) process.env.EMU_CLUSTER = cluster;
  });

const ns = ['-n, --namespace <namespace>', 'namespace', 'default'] as const;

program
  .command('apply')
  .description('create or update objects from Kubernetes YAML files or directories')
  .requiredOption('-f, --filename <path...>', 'file or directory of manifests')
  .option('--wait', 'wait until every applied StatefulSet is ready')
  .option('--timeout <seconds>', 'with --wait: how long to wait', '300')
  .action((o) => applyCommand(o.filename, o));

program
  .command('get')
  .description('list pods, statefulsets, services or pvc')
  .argument('<type>', 'pods|statefulsets|services|pvc')
  .argument('[name]')
  .option('-o, --output <format>', 'wide|json|yaml|name')
  .option('-w, --watch', 'after listing, print each change')
  .option(...ns)
  .action((type, name, o) => getCommand(type, name, o));

program.command('describe').description('show details and events').argument('<type>').argument('<name>').option(...ns).action((t, n, o) => describeCommand(t, n, o));

program
  .command('delete')
  .description('delete pods (the StatefulSet recreates them with the same identity) or a StatefulSet')
  .argument('<type>', 'pod, pod/NAME, statefulset or statefulset/NAME')
  .argument('[names...]')
  .option('--wait [bool]', 'wait until the pod is gone', (v) => v !== 'false', true)
  .option('--grace-period <seconds>', 'override terminationGracePeriodSeconds')
  .option(...ns)
  .action((t, names, o) => deleteCommand(t, names, o));

program
  .command('scale')
  .description('set the number of replicas of a StatefulSet')
  .argument('<type>', 'statefulset or statefulset/NAME')
  .argument('[name]')
  .requiredOption('--replicas <n>', 'the new number of replicas')
  .option(...ns)
  .action((t, n, o) => scaleCommand(t, n, o));

program
  .command('logs')
  .description("print a container's logs")
  .argument('<pod>')
  .option('-c, --container <name>')
  .option('-f, --follow')
  .option('-p, --previous', 'the previous (crashed) run of the container')
  .option(...ns)
  .action((pod, o) => logsCommand(pod, o));

program
  .command('exec')
  .description('run a command in a container: emu exec POD [-c C] -- CMD [ARGS…]')
  .argument('<pod>')
  .argument('[command...]')
  .option('-c, --container <name>')
  .option('-i, --stdin', 'accepted for kubectl compatibility (stdin is always passed)')
  .option('-t, --tty', 'accepted for kubectl compatibility (the terminal is always passed)')
  .option(...ns)
  .action(async (pod, command, o) => {
    process.exitCode = await execCommand(pod, command, o);
  });

program
  .command('port-forward')
  .description('forward local ports to a pod or service: emu port-forward web-0 8080:80')
  .argument('<target>', 'POD, pod/NAME or svc/NAME')
  .argument('<ports...>', 'LOCAL:REMOTE')
  .option('--address <ip>', 'local address to listen on', '127.0.0.1')
  .option(...ns)
  .action((t, p, o) => portForwardCommand(t, p, o));

program.command('down').description('stop the cluster; volumes are kept unless --volumes').option('--volumes', 'also delete every volume').action((o) => downCommand(o));

program
  .command('pull')
  .description('get images ready: install what they need (native) or build them locally (docker); all known images by default')
  .argument('[images...]')
  .option('--runtime <runtime>', 'native or docker', 'native')
  .action((images, o) => pullCommand(images, o));

program
  .command('run')
  .description('run a scenario file against a fresh cluster')
  .argument('<file>', 'scenario .ts file')
  .option('--json [file]', 'write a machine-readable report (to stdout, or to a file)')
  .option('--keep', 'leave the cluster running afterwards for inspection')
  .action(async (file, o) => {
    const { runCommand } = await import('./commands/run.ts');
    process.exitCode = await runCommand(file, o);
  });

program.command('__daemon', { hidden: true }).action(async () => {
  const { daemonMain } = await import('./daemon-main.ts');
  await daemonMain();
});

program.command('__run-scenario', { hidden: true }).argument('<file>').option('--json [file]').option('--keep').action(async (file, o) => {
  const { runInNode } = await import('../scenario/run-in-node.ts');
  process.exitCode = await runInNode(file, o);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else if (error instanceof EmuError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
