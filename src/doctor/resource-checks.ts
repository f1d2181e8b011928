/**
 * Where emu keeps its files and what it listens on: EMU_HOME's place and free
 * disk, and the loopback port kubectl uses (free, or held by this cluster).
 */
import { constants, existsSync, statSync } from 'node:fs';
import { access, readFile, statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { isRunning } from '../daemon/launch.ts';
import { clusterPaths, type ClusterPaths } from '../engine/cluster-paths.ts';
import { EmuError } from '../errors.ts';
import { failed, passed, type Check, type CheckResult } from './check-result.ts';

const GIB = 1024 ** 3;

export function emuHome(): string {
  return resolve(process.env.EMU_HOME ?? join(homedir(), '.emu'));
}

/** EMU_HOME may be anywhere (/tmp included) that this user can create directories in. */
export const home: Check = async () => {
  const fix = 'export EMU_HOME=~/.emu (any directory you can write)';
  try {
    clusterPaths();
  } catch (error) {
    if (!(error instanceof EmuError)) throw error;
    return failed('EMU_HOME', emuHome(), `${error.message.split(';')[0]}: ${fix}`);
  }
  let existing = emuHome();
  while (!existsSync(existing)) existing = dirname(existing);
  if (!isDirectory(existing)) return failed('EMU_HOME', `${emuHome()} (${existing} is not a directory)`, fix);
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    return failed('EMU_HOME', `${emuHome()} (${existing} is not writable for you)`, fix);
  }
  return passed('EMU_HOME', emuHome());
};

/** EMU_HOME, or its nearest existing parent directory: the disk emu will use, without creating anything. */
export function existingHome(): string {
  let dir = emuHome();
  while (!isDirectory(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or a file on the way (ENOTDIR)
  }
}

export const disk: Check = async () => {
  const dir = existingHome();
  const stats = await statfs(dir);
  const gib = (stats.bavail * stats.bsize) / GIB;
  const found = `${gib.toFixed(1)} GiB free under ${dir}`;
  const fix = (need: number) => `free ${need} GiB there, or point EMU_HOME at a disk with room (export EMU_HOME=/path/with/space)`;
  return [
    gib >= 2 ? passed('disk ≥ 2 GiB free for EMU_HOME', found) : failed('disk ≥ 2 GiB free for EMU_HOME', found, fix(2)),
    gib >= 5 ? passed('disk ≥ 5 GiB free (MySQL and Elasticsearch labs)', found, false) : failed('disk ≥ 5 GiB free (MySQL and Elasticsearch labs)', found, fix(5), false),
  ];
};

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export const apiPort: Check = async () => {
  let where: ClusterPaths;
  try {
    where = clusterPaths();
  } catch {
    return []; // the EMU_HOME check says what is wrong
  }
  const remembered = Number((await readFile(where.apiPort, 'utf8').catch(() => '')).trim());
  const name = 'API port on 127.0.0.1 (kubectl)';
  if (!remembered) return (await canListen(0)) ? passed(name, 'a free port is picked at the first `emu apply`') : failed(name, 'cannot listen on 127.0.0.1', 'bring the loopback interface up: sudo ip link set lo up');
  if (await canListen(remembered)) return passed(name, `${remembered} is free`);
  if (await isRunning(where).catch(() => false)) return passed(name, `${remembered}, held by cluster "${where.name}"`);
  return failed(name, `${remembered} is taken by another program`, `stop it (\`ss -ltnp 'sport = :${remembered}'\` names it), or \`rm ${where.apiPort}\` so emu picks another port (then run \`emu kubeconfig --merge\` again)`);
};
