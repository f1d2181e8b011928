/** emu doctor: check this machine before a workshop; exit 0 when every required check passes. */
import { formatResult, runChecks, summary } from '../../doctor/doctor.ts';

export async function doctorCommand(): Promise<number> {
  console.log('emu doctor: is this machine ready for emu and the workshop labs?');
  const results = await runChecks((result) => console.log(formatResult(result)));
  const { ready, text } = summary(results);
  console.log(text);
  return ready ? 0 : 1;
}
