import { describe, expect, it } from 'vitest';
import { deploymentRolloutStatus } from '../../src/client/rollout.ts';
import { planDeployment } from '../../src/controller/deployment-sync.ts';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from '../../src/controller/deployment-util.ts';
import { templateHash } from '../../src/controller/template-hash.ts';
import { DeploymentWorld, makeDeployment } from './deployment-world.ts';

const setImage = (image: string) => (d: ReturnType<typeof makeDeployment>) => (d.spec!.template.spec!.containers[0].image = image);
const conditions = (world: DeploymentWorld) => Object.fromEntries((world.deployment.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));

describe('Deployment sync', () => {
  it('creates <deployment>-<pod-template-hash> with the hash in labels and selector, revision 1, and a ScalingReplicaSet event', () => {
    const world = new DeploymentWorld(makeDeployment());
    const { plan } = world.tick();
    const hash = templateHash(world.deployment.spec!.template);
    expect(plan.create).toHaveLength(1);
    const rs = plan.create[0];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deployment-uid', controller: true, blockOwnerDeletion: true }]);
    expect(rs.metadata.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec!.selector.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec!.template!.metadata!.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec!.replicas).toBe(3);
    expect(rs.metadata.annotations).toEqual({ [REVISION_ANNOTATION]: '1', [DESIRED_REPLICAS_ANNOTATION]: '3', [MAX_REPLICAS_ANNOTATION]: '4' });
    expect(plan.annotations).toEqual({ [REVISION_ANNOTATION]: '1' });
    expect(plan.events).toEqual([{ type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set web-${hash} from 0 to 3` }]);
    expect(conditions(world)).toEqual({ Progressing: 'True NewReplicaSetCreated', Available: 'False MinimumReplicasUnavailable' });
  });

  it('reports the rollout complete once every replica is updated and available (NewReplicaSetAvailable)', () => {
    const world = new DeploymentWorld(makeDeployment());
    world.settle();
    expect(world.deployment.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(conditions(world)).toEqual({ Available: 'True MinimumReplicasAvailable', Progressing: 'True NewReplicaSetAvailable' });
    expect(deploymentRolloutStatus(world.deployment)).toEqual({ message: 'deployment "web" successfully rolled out', done: true });
  });

  it('rolls with maxSurge 1 / maxUnavailable 0: never fewer than 3 available, never more than 4 pods', () => {
    const world = new DeploymentWorld(makeDeployment({ maxSurge: 1, maxUnavailable: 0 }));
    world.settle();
    world.edit(setImage('nginx:1.26'));
    const ticks = world.settle();
    for (const { pods } of ticks) {
      const total = Object.values(pods).reduce((n, p) => n + p.total, 0);
      const available = Object.values(pods).reduce((n, p) => n + p.available, 0);
      expect(total).toBeLessThanOrEqual(4);
      expect(available).toBeGreaterThanOrEqual(3);
    }
    const [old, updated] = world.sets();
    expect([old.spec!.replicas, updated.spec!.replicas]).toEqual([0, 3]);
    expect(updated.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
    expect(world.deployment.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
    expect(conditions(world).Progressing).toBe('True NewReplicaSetAvailable');
    // One pod at a time: scaled up by one, down by one, three times over.
    const scaling = ticks.flatMap((t) => t.plan.events.map((e) => e.message.replace(/web-\w+/, (n) => (n === old.metadata.name ? 'OLD' : 'NEW'))));
    expect(scaling).toEqual([
      'Scaled up replica set NEW from 0 to 1',
      'Scaled down replica set OLD from 3 to 2',
      'Scaled up replica set NEW from 1 to 2',
      'Scaled down replica set OLD from 2 to 1',
      'Scaled up replica set NEW from 2 to 3',
      'Scaled down replica set OLD from 1 to 0',
    ]);
  });

  it('rounds percentages as Kubernetes does: maxSurge up, maxUnavailable down (10 replicas, 25%: at most 13 pods, at least 8 available)', () => {
    const world = new DeploymentWorld(makeDeployment({ replicas: 10 }));
    world.settle();
    world.edit(setImage('nginx:1.26'));
    const ticks = world.settle();
    const totals = ticks.map(({ pods }) => Object.values(pods).reduce((n, p) => n + p.total, 0));
    const available = ticks.map(({ pods }) => Object.values(pods).reduce((n, p) => n + p.available, 0));
    expect(Math.max(...totals)).toBe(13);
    expect(Math.min(...available)).toBe(8);
    expect(ticks[0].plan.create[0].spec!.replicas).toBe(3);
  });

  it('Recreate: scales the old ReplicaSet to 0 and creates the new one only once every old pod is gone', () => {
    const world = new DeploymentWorld(makeDeployment({ strategy: 'Recreate' }));
    world.settle();
    world.lingerOnScaleDown = true;
    world.edit(setImage('nginx:1.26'));
    const first = world.tick();
    expect(first.plan.create).toEqual([]);
    expect(first.plan.events.map((e) => e.message)).toEqual([expect.stringMatching(/^Scaled down replica set web-\w+ from 3 to 0$/)]);
    // The old pods are still terminating: nothing new starts.
    for (let i = 0; i < 3; i++) expect(world.tick().plan.create).toEqual([]);
    world.lingering.clear();
    const next = world.tick();
    expect(next.plan.create).toHaveLength(1);
    expect(next.plan.create[0].spec!.replicas).toBe(3);
    world.settle();
    expect(deploymentRolloutStatus(world.deployment).done).toBe(true);
  });

  it('rolls back by making the old ReplicaSet new again, with the next revision and its history', () => {
    const world = new DeploymentWorld(makeDeployment());
    world.settle();
    const first = world.sets()[0].metadata.name;
    world.edit(setImage('nginx:1.26'));
    world.settle();
    world.edit(setImage('nginx:1.25'));
    const ticks = world.settle();
    expect(ticks.flatMap((t) => t.plan.create)).toEqual([]);
    const reused = world.replicaSets.get(first)!;
    expect(reused.spec!.replicas).toBe(3);
    expect(reused.metadata.annotations).toMatchObject({ [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1' });
    expect(world.deployment.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
  });

  it('keeps revisionHistoryLimit old ReplicaSets, deleting the oldest revisions once they are scaled down', () => {
    const world = new DeploymentWorld(makeDeployment({ revisionHistoryLimit: 1 }));
    world.settle();
    for (const image of ['nginx:1.26', 'nginx:1.27']) {
      world.edit(setImage(image));
      world.settle();
    }
    const revisions = world.sets().map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION]).sort();
    expect(revisions).toEqual(['2', '3']);
  });

  it('scales a rollout in progress proportionally (the Kubernetes docs example: 10 → 15 with maxSurge 3, maxUnavailable 2)', () => {
    const world = new DeploymentWorld(makeDeployment({ replicas: 10, maxSurge: 3, maxUnavailable: 2 }));
    world.settle();
    world.edit(setImage('nginx:broken'));
    world.tick();
    const newName = world.sets().find((rs) => rs.spec!.template!.spec!.containers[0].image === 'nginx:broken')!.metadata.name;
    world.broken.add(newName);
    world.settle();
    const size = () => world.sets().map((rs) => (rs.metadata.name === newName ? `new ${rs.spec!.replicas}` : `old ${rs.spec!.replicas}`)).sort();
    expect(size()).toEqual(['new 5', 'old 8']);
    world.edit((d) => (d.spec!.replicas = 15));
    world.tick();
    expect(size()).toEqual(['new 7', 'old 11']);
  });

  it('does not roll out while paused, and says so in Progressing', () => {
    const world = new DeploymentWorld(makeDeployment());
    world.settle();
    world.edit((d) => (d.spec!.paused = true));
    world.edit(setImage('nginx:1.26'));
    expect(world.settle().flatMap((t) => t.plan.create)).toEqual([]);
    expect(conditions(world).Progressing).toBe('Unknown DeploymentPaused');
    world.edit((d) => delete d.spec!.paused);
    world.tick();
    expect(world.sets()).toHaveLength(2);
    world.settle();
    expect(conditions(world).Progressing).toBe('True NewReplicaSetAvailable');
  });

  it('times out a rollout that makes no progress within progressDeadlineSeconds', () => {
    const world = new DeploymentWorld(makeDeployment({ progressDeadlineSeconds: 30 }));
    world.settle();
    world.edit(setImage('nginx:broken'));
    world.tick();
    world.broken.add(world.sets()[1].metadata.name);
    const stuck = world.settle();
    expect(stuck.at(-1)!.plan.requeueAfterMs).toBeGreaterThan(0);
    world.nowMs += 60_000;
    world.tick();
    expect(conditions(world).Progressing).toBe('False ProgressDeadlineExceeded');
    expect(() => deploymentRolloutStatus(world.deployment)).toThrow('deployment "web" exceeded its progress deadline');
  });

  it('counts a hash collision and picks another name', () => {
    const world = new DeploymentWorld(makeDeployment());
    const name = `web-${templateHash(world.deployment.spec!.template)}`;
    const taken = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', uid: 'foreign' }, spec: { selector: {}, template: {} } };
    const first = planAgainst(world, taken);
    expect(first.status?.collisionCount).toBe(1);
    expect(first.create).toEqual([]);
    expect(first.requeueAfterMs).toBe(0);
    world.deployment.status = first.status;
    const second = planAgainst(world, taken);
    expect(second.create[0].metadata.name).toBe(`web-${templateHash(world.deployment.spec!.template, 1)}`);
    expect(second.create[0].metadata.name).not.toBe(name);
  });

  it('gives the kubectl messages while a rollout is under way', () => {
    const world = new DeploymentWorld(makeDeployment({ maxSurge: 1, maxUnavailable: 0 }));
    world.settle();
    world.edit(setImage('nginx:1.26'));
    expect(deploymentRolloutStatus(world.deployment).message).toBe('Waiting for deployment spec update to be observed...');
    world.tick();
    expect(deploymentRolloutStatus(world.deployment).message).toBe('Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...');
    world.settle();
    world.edit((d) => (d.spec!.replicas = 4));
    world.tick();
    expect(deploymentRolloutStatus(world.deployment).message).toBe('Waiting for deployment "web" rollout to finish: 3 out of 4 new replicas have been updated...');
  });
});

/** One plan for the world's Deployment, with a ReplicaSet of someone else's already holding a name. */
function planAgainst(world: DeploymentWorld, taken: { metadata: { name: string } }) {
  return planDeployment({ deployment: world.deployment, replicaSets: [], podsByReplicaSet: new Map(), findReplicaSet: (n) => (n === taken.metadata.name ? (taken as never) : undefined), nowMs: world.nowMs });
}
