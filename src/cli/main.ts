import { Command, CommanderError } from 'commander';
import { ApiError } from '../api/status.ts';
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
import { rolloutCommand, type RolloutVerb } from './commands/rollout.ts';
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
  .option('--wait', 'wait until every applied StatefulSet and Deployment is ready')
  .option('--timeout <seconds>', 'with --wait: how long to wait', '300')
  .action((o) => applyCommand(o.filename, o));

program
  .command('get')
  .description('list objects (pods, statefulsets, services, pvc, events, … — kubectl\'s names and short names)')
  .argument('<type>', 'pods|deployments|replicasets|statefulsets|services|pvc|… or several: deploy,rs,pods')
  .argument('[names...]')
  .option('-o, --output <format>', 'wide|json|yaml|name')
  .option('-w, --watch', 'after listing, print each change')
  .option('-l, --selector <selector>', 'label selector: app=web,tier!=db')
  .option('--field-selector <selector>', 'field selector: status.phase=Running')
  .option('-A, --all-namespaces', 'every namespace')
  .option(...ns)
  .action((type, names, o) => getCommand(type, names, o));

program.command('describe').description('show details and events').argument('<type>').argument('[names...]').option(...ns).action((t, n, o) => describeCommand(t, n, o));

program
  .command('delete')
  .description('delete objects gracefully (a StatefulSet recreates its pods with the same identity)')
  .argument('<type>', 'TYPE NAME… or TYPE/NAME')
  .argument('[names...]')
  .option('--wait [bool]', 'wait until the objects are gone', (v) => v !== 'false', true)
  .option('--grace-period <seconds>', 'override terminationGracePeriodSeconds')
  .option('--force', 'with --grace-period=0: remove at once, without waiting for the pod to stop')
  .option('-l, --selector <selector>', 'delete what matches this label selector')
  .option('--all', 'delete every object of the type in the namespace')
  .option(...ns)
  .action((t, names, o) => deleteCommand(t, names, o));

program
  .command('scale')
  .description('set the number of replicas of a StatefulSet, Deployment or ReplicaSet')
  .argument('<type>', 'statefulset|deployment|replicaset NAME, or TYPE/NAME')
  .argument('[names...]')
  .requiredOption('--replicas <n>', 'the new number of replicas')
  .option(...ns)
  .action((t, n, o) => scaleCommand(t, n, o));

const rollout = program.command('rollout').description('manage the rollout of a Deployment or StatefulSet: status, history, undo, restart, pause, resume');
const rolloutVerbs: [RolloutVerb, string][] = [
  ['status', 'watch until the rollout is done, with kubectl\'s messages'],
  ['history', 'list the revisions (--revision N: one in full)'],
  ['undo', 'go back to the previous revision (or --to-revision N)'],
  ['restart', 'replace every pod with a fresh one of the same template'],
  ['pause', 'stop rolling out template changes (Deployment)'],
  ['resume', 'roll out again (Deployment)'],
];
for (const [verb, description] of rolloutVerbs) {
  const command = rollout.command(verb).description(description).argument('<type>', 'deployment/NAME, statefulset/NAME, or TYPE NAME').argument('[names...]').option(...ns);
  if (verb === 'status') command.option('--timeout <duration>', 'give up after this long (90s, 5m)').option('-w, --watch [bool]', 'watch until done (--watch=false: print once)', (v) => v !== 'false', true);
  if (verb === 'history') command.option('--revision <n>', 'show this revision\'s pod template');
  if (verb === 'undo') command.option('--to-revision <n>', 'the revision to go back to (0: the previous one)');
  command.action((t, n, o) => rolloutCommand(verb, t, n, o));
}

program
  .command('logs')
  .description("print a container's logs")
  .argument('<pod>')
  .option('-c, --container <name>')
  .option('-f, --follow')
  .option('-p, --previous', 'the previous (crashed) run of the container')
  .option('--tail <lines>', 'only the last lines')
  .option('--timestamps', 'prefix each line with its time')
  .option(...ns)
  .action((pod, o) => logsCommand(pod, o));

program
  .command('exec')
  .description('run a command in a container: emu exec POD [-c C] [-i] [-t] -- CMD [ARGS…]')
  .argument('<pod>')
  .argument('[command...]')
  .option('-c, --container <name>')
  .option('-i, --stdin', 'pass stdin to the container')
  .option('-t, --tty', 'stdin is a terminal')
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
  .command('up')
  .description('start the cluster (if it is not running) and make it kubectl\'s current context')
  .option('--no-kubeconfig', 'leave ~/.kube/config alone')
  .action(async (o) => {
    const { upCommand } = await import('./commands/up.ts');
    await upCommand(o);
  });

program
  .command('kubeconfig')
  .description('print a kubeconfig for this cluster, or --merge it into ~/.kube/config and make it current')
  .option('--merge', 'merge into ~/.kube/config (or $KUBECONFIG) and switch to it')
  .action(async (o) => {
    const { kubeconfigCommand } = await import('./commands/kubeconfig.ts');
    await kubeconfigCommand(o);
  });

program.command('pull').description('install what images need (all known images by default)').argument('[images...]').action((images) => pullCommand(images));

program
  .command('run')
  .description('run a scenario file against a fresh cluster')
  .argument('<file>', 'scenario .ts file')
  .option('--json [file]', 'write a machine-readable report (to stdout, or to a file)')
  .option('--keep', 'leave the cluster running afterwards for inspection')
  .option('--seed <n>', "replay the chaos schedule of this seed (default: the scenario's, or a fresh one, printed)")
  .option('--plan', 'print the chaos schedule as JSON and start nothing')
  .action(async (file, o) => {
    const { runCommand } = await import('./commands/run.ts');
    process.exitCode = await runCommand(file, o);
  });

program
  .command('check')
  .description('check a stored history (JSON Lines): exit 0 valid, 1 invalid, 2 unknown')
  .argument('<file>', 'history.jsonl')
  .requiredOption('--model <model>', 'set-full or register')
  .option('--time-limit <seconds>', 'how long the check may take before its verdict is unknown', '60')
  .option('--json', 'print the result as JSON')
  .action(async (file, o) => {
    const { checkCommand } = await import('./commands/check.ts');
    process.exitCode = await checkCommand(file, o);
  });

program
  .command('doctor')
  .description('check this machine before a workshop: kernel features, tools, ports, disk, memory — ✓/✗ with the fix for each')
  .action(async () => {
    const { doctorCommand } = await import('./commands/doctor.ts');
    process.exitCode = await doctorCommand();
  });

program
  .command('dashboard')
  .description('serve a live picture of the cluster (pods, services, DNS, events, faults, labs) on 127.0.0.1, for you only')
  .option('--port <port>', 'the local port (0: any free port)', '0')
  .action(async (o) => {
    const { dashboardCommand } = await import('./commands/dashboard.ts');
    await dashboardCommand(o);
  });

const lab = program.command('lab').description("the workshop's labs: list them, check your cluster against one");
lab
  .command('list')
  .description('the labs, with your last check of each')
  .action(async () => {
    const { labListCommand } = await import('./commands/lab.ts');
    await labListCommand();
  });
lab
  .command('check')
  .description("check your cluster against a lab's steps: ✓/✗ per step with a hint; exit 0 when all pass")
  .argument('<lab>', 'the lab number (01) or directory name')
  .action(async (ref) => {
    const { labCheckCommand } = await import('./commands/lab.ts');
    process.exitCode = await labCheckCommand(ref);
  });

program
  .command('chaos')
  .description('apply a seeded fault schedule to a running cluster (emu chaos heal: undo every fault in force)')
  .argument('[action]', 'heal: undo every fault in force')
  .option('-l, --selector <selector>', 'the pods faults may hit: app=mysql')
  .option('--faults <faults>', 'pod-delete,pod-kill,container-kill,pause,partition,netem:loss|duplicate|corrupt|bandwidth|delay|reorder')
  .option('--targets <modes>', 'one,minority,majority,primaries,all,random-halves,majorities-ring (default: one)')
  .option('--primary <pods>', 'the pods the primaries target mode means: mysql-0')
  .option('--interval <duration>', 'time from one fault to the next', '10s')
  .option('--duration <duration>', 'how long the schedule runs', '1m')
  .option('--fault-duration <duration>', 'how long a pause, partition or netem holds (default: half the interval)')
  .option('--seed <n>', 'replay the schedule of this seed (default: a fresh one, printed)')
  .option('--plan', 'print the schedule as JSON and start nothing')
  .option('-A, --all-namespaces', 'heal: in every namespace')
  .option(...ns)
  .action(async (action, o) => {
    const { chaosCommand, chaosHealCommand } = await import('./commands/chaos.ts');
    if (action === 'heal') return chaosHealCommand(o);
    if (action !== undefined) throw new EmuError('USAGE', `unknown chaos action "${action}": emu chaos [heal] --selector … --faults …`);
    process.exitCode = await chaosCommand(o);
  });

program.command('__daemon', { hidden: true }).action(async () => {
  const { daemonMain } = await import('./daemon-main.ts');
  await daemonMain();
});

program.command('__gateway', { hidden: true }).action(async () => {
  const { runGateway } = await import('../daemon/gateway.ts');
  const { clusterPaths } = await import('../engine/cluster-paths.ts');
  await runGateway(clusterPaths());
});

program.command('__run-scenario', { hidden: true }).argument('<file>').option('--json [file]').option('--keep').option('--seed <n>').action(async (file, o) => {
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
  } else if (error instanceof ApiError) {
    // kubectl's wording for what the API server refused.
    console.error(`Error from server (${error.reason}): ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
