import { kindName } from '../../client/apply.ts';
import { restart, revisions, setPaused, undo, type Workload } from '../../client/rollout-history.ts';
import { rolloutStatus, waitForRollout } from '../../client/rollout.ts';
import { EmuError } from '../../errors.ts';
import { connect, typedNames } from '../context.ts';
import { podTemplateLines } from '../describe-printer.ts';
import { formatTable } from '../printers.ts';

export type RolloutVerb = 'status' | 'history' | 'undo' | 'restart' | 'pause' | 'resume';

interface RolloutOptions {
  namespace?: string;
  toRevision?: string;
  revision?: string;
  timeout?: string;
  watch?: boolean;
}

const ROLLABLE = ['Deployment', 'StatefulSet'];

/**
 * emu rollout status|history|undo|restart|pause|resume TYPE/NAME, as kubectl
 * does them: status watches until done, printing kubectl's messages; history
 * lists revisions (one in full with --revision); undo goes back to the
 * previous revision (or --to-revision); restart re-rolls the same template.
 */
export async function rolloutCommand(verb: RolloutVerb, first: string, rest: string[], options: RolloutOptions): Promise<void> {
  const { type, names } = typedNames(first, rest);
  if (!ROLLABLE.includes(type.kind)) throw new EmuError('USAGE', `${type.resource} is not rollable: emu rolls out deployments and statefulsets`);
  if (names.length === 0) throw new EmuError('USAGE', `usage: emu rollout ${verb} deployment/NAME (or statefulset/NAME)`);
  const toRevision = revisionNumber(options.toRevision, '--to-revision');
  const revision = revisionNumber(options.revision, '--revision');
  const namespace = options.namespace ?? 'default';
  const api = await connect();
  for (const name of names) {
    const workload = await api.get<Workload>(type, namespace, name);
    const id = `${kindName(type)}/${name}`;
    switch (verb) {
      case 'status': {
        if (options.watch === false) {
          console.log(rolloutStatus(type, workload).message);
          break;
        }
        const timeoutMs = options.timeout ? seconds(options.timeout) * 1000 : 24 * 3600_000;
        await waitForRollout(api, type, namespace, name, { timeoutMs, onMessage: (message) => console.log(message) });
        break;
      }
      case 'history': {
        const all = await revisions(api, type, workload);
        if (revision > 0) {
          const found = all.find((r) => r.number === revision);
          if (!found) throw new EmuError('NOT_FOUND', `unable to find the specified revision`);
          console.log([`${id} with revision #${revision}`, ...podTemplateLines(found.template)].join('\n'));
          break;
        }
        if (all.length === 0) {
          console.log(`No rollout history found.`);
          break;
        }
        console.log(`${id} \n${formatTable([['REVISION', 'CHANGE-CAUSE'], ...all.map((r) => [String(r.number), r.changeCause ?? '<none>'])], 2)}\n`);
        break;
      }
      case 'undo':
        console.log(`${id} ${await undo(api, type, workload, toRevision)}`);
        break;
      case 'restart':
        await restart(api, type, workload, new Date());
        console.log(`${id} restarted`);
        break;
      case 'pause':
      case 'resume': {
        const changed = await setPaused(api, type, workload, verb === 'pause');
        if (!changed) throw new EmuError('USAGE', `${id} is not ${verb === 'pause' ? 'paused' : 'resumed'}: it already is`);
        console.log(`${id} ${verb === 'pause' ? 'paused' : 'resumed'}`);
        break;
      }
    }
  }
}

function revisionNumber(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new EmuError('USAGE', `${flag} must be a revision number (0 or more), got "${value}"`);
  return Number(value);
}

/** kubectl's durations: 30s, 5m, 1h, or plain seconds. */
function seconds(value: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(value);
  if (!match) throw new EmuError('USAGE', `--timeout must be a duration such as 90s, 5m or 1h, got "${value}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}
