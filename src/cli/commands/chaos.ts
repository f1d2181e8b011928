import { byKind } from '../../api/resources.ts';
import { ChaosRun, checkSchedule } from '../../chaos/chaos-run.ts';
import { FAULTS_RESOURCE } from '../../chaos/fault-controller.ts';
import { plan, scheduleJson } from '../../chaos/plan.ts';
import { drawSeed, parseSeed } from '../../chaos/random.ts';
import { byOrdinal } from '../../report/run-record.ts';
import { EmuError } from '../../errors.ts';
import { pollUntil } from '../../util/deadline.ts';
import { connect } from '../context.ts';

const PODS = byKind('Pod')!;

export interface ChaosOptions {
  selector?: string;
  faults?: string;
  targets?: string;
  interval?: string;
  duration?: string;
  faultDuration?: string;
  primary?: string;
  seed?: string;
  plan?: boolean;
  namespace?: string;
}

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * emu chaos --selector app=mysql --faults pod-kill,partition --interval 5s --duration 2m [--seed N]:
 * a seeded schedule over the pods the selector matches, applied as Fault objects
 * (the cluster's fault controller does them). Ctrl-C heals what is in force and stops.
 */
export async function chaosCommand(options: ChaosOptions): Promise<number> {
  if (!options.selector) throw new EmuError('USAGE', 'emu chaos needs --selector (e.g. --selector app=mysql): the pods the faults may hit');
  if (!options.faults) throw new EmuError('USAGE', 'emu chaos needs --faults (e.g. --faults pod-kill,partition)');
  const seed = options.seed === undefined ? drawSeed() : parseSeed(options.seed, '--seed');
  const namespace = options.namespace ?? 'default';
  const api = await connect();
  const names = (await api.list(PODS, { namespace, labelSelector: options.selector })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort(byOrdinal);
  if (names.length === 0) throw new EmuError('CHAOS_INVALID', `chaos: no pod matches ${options.selector} in namespace ${namespace}`);
  const primaries = list(options.primary);
  const unknown = primaries.filter((p) => !names.includes(p));
  if (unknown.length) throw new EmuError('CHAOS_INVALID', `chaos: --primary ${unknown.join(', ')} is not among the pods matching ${options.selector} (${names.join(', ')})`);
  const schedule = plan(seed, {
    pods: names.map((name) => ({ name, primary: primaries.includes(name) })),
    faults: list(options.faults),
    targets: options.targets ? list(options.targets) : undefined,
    interval: options.interval ?? '10s',
    duration: options.duration ?? '1m',
    faultDuration: options.faultDuration,
  });
  if (options.plan) {
    process.stdout.write(scheduleJson(schedule));
    return 0;
  }
  await checkSchedule(api, namespace, schedule);
  console.log(`chaos: seed ${seed}, ${schedule.faults.length} faults on ${names.join(', ')} over ${schedule.duration / 1000}s (Ctrl-C heals and stops)`);
  const run = new ChaosRun({ api, namespace, schedule, name: `chaos-${seed}`, onEvent: (line) => console.log(line) });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    void run.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outcomes = await run.done;
  const failed = outcomes.filter((o) => o.error).length;
  console.log(`chaos: ${outcomes.length - failed} faults applied, ${failed} failed; nothing left in force${interrupted ? ' (interrupted)' : ''}`);
  console.log(`replay: emu chaos --selector ${options.selector} --faults ${options.faults}${options.targets ? ` --targets ${options.targets}` : ''}${options.primary ? ` --primary ${options.primary}` : ''} --interval ${options.interval ?? '10s'} --duration ${options.duration ?? '1m'}${options.faultDuration ? ` --fault-duration ${options.faultDuration}` : ''} --seed ${seed}`);
  return interrupted ? 130 : 0;
}

/** emu chaos heal: delete every Fault (each is healed by the controller before it goes). */
export async function chaosHealCommand(options: { namespace?: string; allNamespaces?: boolean }): Promise<void> {
  const api = await connect();
  const faults = (await api.list(FAULTS_RESOURCE, options.allNamespaces ? {} : { namespace: options.namespace ?? 'default' })).items;
  for (const fault of faults) {
    await api.delete(FAULTS_RESOURCE, fault.metadata.namespace, fault.metadata.name).catch(() => undefined);
  }
  for (const fault of faults) {
    await pollUntil(`fault ${fault.metadata.name} to be healed`, async () => ((await api.find(FAULTS_RESOURCE, fault.metadata.namespace, fault.metadata.name)) ? undefined : true), { timeoutMs: 60_000, intervalMs: 20 });
    console.log(`fault.chaos.emu.dev/${fault.metadata.name} healed`);
  }
  if (faults.length === 0) console.log('no faults in force');
}
