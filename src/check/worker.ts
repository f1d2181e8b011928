// The entry point of a checker worker thread (loaded by piscina through tsx; see pool.ts).
import { runTask } from './tasks.ts';
import { fromWire, type WireTask } from './wire.ts';

export default function work(task: WireTask): unknown {
  return runTask(fromWire(task));
}
