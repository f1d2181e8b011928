// A bench scenario, run once per runtime by runtimes.ts (`emu run --runtime
// native|docker`): 3-replica MySQL all Ready from fresh volumes (the apply
// step), then replica delete → Ready, then pod start (a container running
// `true`) through the cluster's own runtime. Numbers go out as step notes.
import { defineScenario } from 'emu';
import { benchPodStart } from './pod-start.ts';
import { timed } from './stats.ts';

export default defineScenario({
  name: 'runtime comparison',
  manifests: ['../scenarios/manifests/mysql.yaml'],
  async run(t) {
    await t.step('replica delete → Ready', async () => {
      const replica = await timed(() => t.reschedule('mysql-1', { timeoutSeconds: 120 }));
      t.note(`replicaMs=${Math.round(replica.ms)}`);
    });
    await t.step('pod start', async () => {
      const start = await benchPodStart(t.engine.runtime, `${t.engine.paths.run}/podstart`, 20);
      t.note(`podStartMs=${Math.round(start.emu.median)}`);
    });
  },
});
