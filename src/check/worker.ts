// The entry point of a checker worker thread (loaded by piscina through tsx; see pool.ts).
import { runTask } from './tasks.ts';

export default runTask;
