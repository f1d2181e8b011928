// A watch client in a process of its own, as kubectl or a controller would be:
// prints one line per pod event, `<resourceVersion> <CLOCK_MONOTONIC ns>` (the
// same clock in every process, so the bench can compare it with commit times).
import { byKind } from '../src/api/resources.ts';
import { RestApi } from '../src/client/rest-api.ts';
import { clusterPaths } from '../src/engine/cluster-paths.ts';

const api = await RestApi.connect(clusterPaths(process.argv[2], process.argv[3]));
await api.watch(byKind('Pod')!, { resourceVersion: process.argv[4] }, (event) => {
  process.stdout.write(`${event.object.metadata.resourceVersion} ${process.hrtime.bigint()}\n`);
});
process.stdout.write('ready\n');
