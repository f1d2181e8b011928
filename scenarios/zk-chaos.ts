// Chaos on the ZooKeeper ensemble of the Kubernetes tutorial (its manifest
// unchanged): while a seeded schedule kills and partitions the leader —
// whichever server leads when the fault is due — clients create znodes through
// a connection string naming all three servers (each acknowledged create is an
// `add` to a set) and list them. Holds: after each leader fault a different
// server is elected leader; once healed, no acknowledged znode is lost, and
// every server holds every one of them.
//
//   emu run scenarios/zk-chaos.ts                  # a fresh seed (printed)
//   emu run scenarios/zk-chaos.ts --seed 2         # the same schedule again
//   emu run scenarios/zk-chaos.ts --seed 2 --plan  # the schedule as JSON; nothing starts
import { connect } from 'node:net';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { defineScenario, type ErrorClassifier } from 'emu';

const servers = ['zk-0', 'zk-1', 'zk-2'];
const address = (pod: string) => `${pod}.zk-hs:2181`;
const ROOT = '/chaos';
const OP_TIMEOUT_MS = 3_000;

class Timeout extends Error {}
/** The request was never sent: no server was connected. */
class NotConnected extends Error {}

/**
 * Certain not to have happened: never sent, or refused by ZooKeeper (NODE_EXISTS
 * cannot happen: names are unique). A lost connection or a timeout is unknown.
 */
const classify: ErrorClassifier = (error) => {
  if (error instanceof NotConnected) return 'fail';
  return error instanceof zookeeper.Exception && error.getCode() !== zookeeper.Exception.CONNECTION_LOSS && error.getCode() !== zookeeper.Exception.OPERATION_TIMEOUT ? 'fail' : 'info';
};

/**
 * A client session the way applications keep one (as Curator does): a request
 * waits a moment for the connection to come back, and an expired session is
 * replaced by a new one.
 */
class Session {
  private current?: Promise<Client>;

  constructor(private readonly connectionString: string) {}

  /** The connected client, or NotConnected after OP_TIMEOUT_MS. */
  async client(): Promise<Client> {
    if (!this.current) {
      const opened = session(this.connectionString);
      this.current = opened;
      opened.then(
        (client) => client.once('expired', () => this.drop(opened)),
        () => this.drop(opened),
      );
    }
    const client = await bounded(this.current, OP_TIMEOUT_MS).catch(() => undefined);
    if (!client) throw new NotConnected('no ZooKeeper session');
    if (client.getState() !== zookeeper.State.SYNC_CONNECTED) {
      const back = await bounded(new Promise<void>((resolve) => client.once('connected', () => resolve())), OP_TIMEOUT_MS).then(() => true, () => false);
      if (!back) throw new NotConnected('not connected to any server');
    }
    return client;
  }

  private drop(opened: Promise<Client>): void {
    if (this.current !== opened) return;
    this.current = undefined;
    void opened.then(close, () => undefined);
  }

  close(): void {
    if (this.current) this.drop(this.current);
  }
}

/** A client session, connected (bounded). */
async function session(connectionString: string): Promise<Client> {
  const client = zookeeper.createClient(connectionString, { sessionTimeout: 10_000, spinDelay: 200, retries: 0 });
  const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.connect();
  await bounded(connected, 30_000, () => close(client));
  return client;
}

/** End a session (the library throws when one that never connected is closed). */
function close(client: Client): void {
  try {
    close(client);
  } catch {
    // never connected: nothing to close
  }
}

/** The promise, or a Timeout after `ms` (then `onTimeout`). */
function bounded<T>(promise: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Timeout(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const create = (client: Client, path: string) => bounded(new Promise<string>((resolve, reject) => client.create(path, (e, p) => (e ? reject(e) : resolve(p)))), OP_TIMEOUT_MS);
const children = (client: Client) => bounded(new Promise<string[]>((resolve, reject) => client.getChildren(ROOT, (e, c) => (e ? reject(e) : resolve(c)))), OP_TIMEOUT_MS);

/** What a server says of itself (the `srvr` four-letter word): leader, follower, or undefined when it does not answer. */
function mode(pod: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: `${pod}.zk-hs`, port: 2181, timeout: 1_000 }, () => socket.end('srvr'));
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(/^Mode: (\w+)/m.exec(text)?.[1]));
    socket.on('error', () => undefined);
    socket.on('timeout', () => socket.destroy());
  });
}

async function leaders(): Promise<string[]> {
  const modes = await Promise.all(servers.map(mode));
  return servers.filter((_, i) => modes[i] === 'leader');
}

export default defineScenario({
  name: 'ZooKeeper ensemble under chaos: the leader killed and partitioned',
  manifests: ['manifests/k8s-tutorials/zookeeper.yaml'],
  chaos: {
    // Drawn as `primaries`: every fault hits whichever server leads when it is due (zk-0 is only what --plan shows).
    pods: [{ name: 'zk-0', primary: true }, 'zk-1', 'zk-2'],
    faults: ['pod-kill', 'partition'],
    targets: ['primaries'],
    // A killed server is back and Ready (the tutorial's readiness probe waits 10 s) before the next fault;
    // a partition outlasts the followers' 10 s (tickTime × syncLimit) wait for the old leader.
    interval: '25s',
    faultDuration: '16s',
    duration: '50s',
  },
  async run(t) {
    t.session.classify = classify;
    const ensemble = servers.map(address).join(',');
    /** Each change of leader, at ms on the schedule's clock. */
    const seen: { at: number; leader: string }[] = [];
    let chaosStarted = 0;
    let working = true;

    await t.step(`the ensemble elects a leader; ${ROOT} created`, async () => {
      const leader = await t.eventually('one leader', async () => ((await leaders()).length === 1 ? (await leaders())[0] : undefined), 120);
      t.note(`leader: ${leader}`);
      const client = await session(ensemble);
      await create(client, ROOT);
      close(client);
    });

    const watchLeader = async () => {
      while (working) {
        for (const leader of await leaders()) if (seen.at(-1)?.leader !== leader) seen.push({ at: performance.now() - chaosStarted, leader });
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    let next = 0;
    const writer = async () => {
      const zk = new Session(ensemble);
      const c = t.client();
      while (working) {
        const n = next++;
        const outcome = await c.call({ f: 'add', key: 'znodes', value: n }, async () => create(await zk.client(), `${ROOT}/e-${n}`));
        await new Promise((r) => setTimeout(r, outcome.type === 'ok' ? 20 : 200));
      }
      zk.close();
    };
    const reader = async () => {
      const zk = new Session(ensemble);
      const c = t.client();
      while (working) {
        await c.call({ f: 'read', key: 'znodes', okValue: (names: string[]) => names.map((name) => Number(name.slice(2))) }, async () => children(await zk.client()));
        await new Promise((r) => setTimeout(r, 500));
      }
      zk.close();
    };

    await t.step('clients create and list znodes while the leader is killed and partitioned', async () => {
      const chaos = await t.chaos({ primaries: leaders });
      chaosStarted = performance.now();
      const clients = [watchLeader(), writer(), writer(), reader()];
      const outcomes = await chaos.done;
      working = false;
      await Promise.all(clients);
      const applied = outcomes.filter((o) => o.appliedAt !== undefined);
      t.note(`leaders seen: ${seen.map((s) => `${s.leader} at ${(s.at / 1000).toFixed(1)} s`).join(', ')}`);
      t.check.ok(applied.length === outcomes.length, 'every leader fault applied', outcomes.map((o) => `${o.fault.fault}: ${o.error ?? 'applied'}`));
      for (const [i, o] of applied.entries()) {
        const old = o.targets![0];
        const elected = seen.find((s) => s.at > o.issuedAt! && s.at < (applied[i + 1]?.issuedAt ?? Infinity) && s.leader !== old);
        t.check.ok(elected !== undefined, `a new leader after ${o.fault.fault} of the leader ${old}`, seen);
        if (elected) t.note(`${o.fault.fault} of ${old}: ${elected.leader} seen leading ${((elected.at - o.appliedAt!) / 1000).toFixed(1)} s later`);
      }
    });

    await t.step('healed: every server Ready, one leader; a final listing', async () => {
      await t.waitForReady('zk', 120);
      await t.eventually('one leader', async () => ((await leaders()).length === 1 ? true : undefined), 60);
      const client = await session(ensemble);
      const c = t.client();
      await t.eventually('a final listing', async () => ((await c.call({ f: 'read', key: 'znodes', okValue: (names: string[]) => names.map((name) => Number(name.slice(2))) }, () => children(client))).type === 'ok' ? true : undefined), 30);
      close(client);
    });

    await t.step('checks: set-full (no acknowledged znode lost), every server holds every znode, identity', async () => {
      const results = [await t.checks.setFull(t.history.operations), await t.checks.convergence([{ name: `children of ${ROOT}`, reference: await copyOn(servers[0]), copies: await Promise.all(servers.slice(1).map(copyOn)) }]), await t.checks.identity(t.session.incarnations)];
      for (const r of results) t.note(`${r.checker}: ${r.verdict} — ${r.summary}`);
      t.verdict(...results);
    });
  },
});

/**
 * The children of ROOT as one server has them, once it has caught up: a create
 * through it goes to the leader and comes back only after the server has
 * applied everything committed before it (ZooKeeper's FIFO client order).
 */
async function copyOn(pod: string) {
  try {
    const client = await session(address(pod));
    await create(client, `/synced-${pod}-${Date.now()}`);
    const rows = (await children(client)).sort();
    close(client);
    return { name: pod, rows };
  } catch (error) {
    return { name: pod, rows: null, error: (error as Error).message };
  }
}
