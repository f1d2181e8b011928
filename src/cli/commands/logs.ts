import { byKind } from '../../api/resources.ts';
import { resourcePath } from '../../client/rest-api.ts';
import { connect } from '../context.ts';

/** emu logs POD [-c C] [-f] [-p] [--tail N] [--timestamps]: the pod's log subresource, streamed. */
export async function logsCommand(pod: string, options: { container?: string; follow?: boolean; previous?: boolean; tail?: string; timestamps?: boolean; namespace?: string }): Promise<void> {
  const api = await connect();
  const query = new URLSearchParams();
  if (options.container) query.set('container', options.container);
  if (options.follow) query.set('follow', 'true');
  if (options.previous) query.set('previous', 'true');
  if (options.tail !== undefined && options.tail !== '-1') query.set('tailLines', options.tail);
  if (options.timestamps) query.set('timestamps', 'true');
  const name = pod.replace(/^(pods?|po)\//, '');
  const res = await api.stream(`${resourcePath(byKind('Pod')!, options.namespace ?? 'default', name, 'log')}?${query}`);
  res.pipe(process.stdout, { end: false });
  await new Promise((resolve) => res.on('end', resolve).on('close', resolve));
}
