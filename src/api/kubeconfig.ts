import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { EmuError } from '../errors.ts';
import { writePrivateFile } from './credentials.ts';

/**
 * kubeconfig files for a cluster's API, as kind and k3d write them: cluster,
 * user and context all named `emu-<cluster>`, the server on https://127.0.0.1,
 * certificates embedded as *-data. `mergeKubeconfig` folds them into an
 * existing file (by default ~/.kube/config, or the first file of $KUBECONFIG),
 * replacing older entries of the same name, keeping every other entry, making
 * the context current; the file stays mode 0600.
 */

export interface KubeconfigInput {
  cluster: string;
  /** `https://127.0.0.1:PORT` */
  server: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  /** Sent as a bearer token instead of the client certificate when given. */
  token?: string;
  namespace?: string;
}

interface NamedEntry {
  name: string;
  [key: string]: unknown;
}

export interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: NamedEntry[];
  contexts: NamedEntry[];
  users: NamedEntry[];
  'current-context': string;
  preferences?: object;
  [key: string]: unknown;
}

/** `emu-<cluster>`: the cluster, user and context name (built here only). */
export function contextName(cluster: string): string {
  return `emu-${cluster}`;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfigFor(input: KubeconfigInput): Kubeconfig {
  const name = contextName(input.cluster);
  const user = input.token ? { token: input.token } : { 'client-certificate-data': base64(input.clientCert), 'client-key-data': base64(input.clientKey) };
  const context: Record<string, string> = { cluster: name, user: name };
  if (input.namespace) context.namespace = input.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { 'certificate-authority-data': base64(input.caCert), server: input.server } }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
    users: [{ name, user }],
  };
}

/** The kubeconfig as YAML, what `emu kubeconfig` prints. */
export function renderKubeconfig(input: KubeconfigInput): string {
  return stringify(kubeconfigFor(input));
}

/** The file kubectl writes to: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(':').find((p) => p.length > 0);
  return first ?? join(homedir(), '.kube', 'config');
}

async function readKubeconfig(path: string): Promise<Kubeconfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') text = '';
    else throw new EmuError('USAGE', `${path}: cannot read it (${(error as Error).message})`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = text.trim() ? parse(text) : {};
  } catch (error) {
    throw new EmuError('USAGE', `${path}: not valid YAML (${(error as Error).message.split('\n')[0]}); fix or move the file, then run this again`, { cause: error });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new EmuError('USAGE', `${path}: not a kubeconfig (expected a mapping); fix or move the file, then run this again`);
  const config = doc as Partial<Kubeconfig>;
  for (const key of ['clusters', 'contexts', 'users'] as const) {
    if (config[key] !== undefined && config[key] !== null && !Array.isArray(config[key])) {
      throw new EmuError('USAGE', `${path}: ${key} must be a list; fix or move the file, then run this again`);
    }
  }
  return {
    ...config,
    apiVersion: config.apiVersion ?? 'v1',
    kind: config.kind ?? 'Config',
    clusters: config.clusters ?? [],
    contexts: config.contexts ?? [],
    users: config.users ?? [],
    'current-context': config['current-context'] ?? '',
  };
}

function replaceNamed(entries: NamedEntry[], fresh: NamedEntry[]): NamedEntry[] {
  const names = new Set(fresh.map((e) => e.name));
  return [...entries.filter((e) => !names.has(e?.name)), ...fresh];
}

const LOCK_ATTEMPTS = 100;
const LOCK_WAIT_MS = 20;

/** kubectl's own lock: `<file>.lock`, created exclusively, removed after the write. */
async function withLock<T>(path: string, run: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new EmuError('USAGE', `${lock}: cannot create it (${(error as Error).message})`, { cause: error });
      if (attempt >= LOCK_ATTEMPTS) throw new EmuError('USAGE', `${lock} exists: another program is writing ${path}; if none is, remove the lock file and run this again`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Merge the cluster's entries into the kubeconfig at `path` and make its context current. */
export async function mergeKubeconfig(path: string, input: KubeconfigInput, options: { setCurrent?: boolean } = {}): Promise<void> {
  const fresh = kubeconfigFor(input);
  await withLock(path, async () => {
    const config = await readKubeconfig(path);
    config.clusters = replaceNamed(config.clusters, fresh.clusters);
    config.contexts = replaceNamed(config.contexts, fresh.contexts);
    config.users = replaceNamed(config.users, fresh.users);
    if (options.setCurrent ?? true) config['current-context'] = fresh['current-context'];
    await writePrivateFile(path, stringify(config));
  });
}

/** Take the cluster's entries out again (as `kind delete cluster` does); its context stops being current. */
export async function removeFromKubeconfig(path: string, cluster: string): Promise<void> {
  const name = contextName(cluster);
  await withLock(path, async () => {
    const config = await readKubeconfig(path);
    const before = config.clusters.length + config.contexts.length + config.users.length;
    config.clusters = config.clusters.filter((e) => e?.name !== name);
    config.contexts = config.contexts.filter((e) => e?.name !== name);
    config.users = config.users.filter((e) => e?.name !== name);
    const changed = before !== config.clusters.length + config.contexts.length + config.users.length || config['current-context'] === name;
    if (config['current-context'] === name) config['current-context'] = '';
    if (changed) await writePrivateFile(path, stringify(config));
  });
}
