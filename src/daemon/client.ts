import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import { EmuError } from '../errors.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';
import { readMessage, writeMessage, type Reply } from './protocol.ts';

/** The CLI's side of the daemon socket. */
export class DaemonClient {
  constructor(readonly paths: ClusterPaths) {}

  /** Open a connection and send a request; resolves with the socket after a successful reply. */
  async open(method: string, params: Record<string, unknown> = {}): Promise<{ socket: Socket; result: unknown }> {
    const socket = await connect(this.paths);
    writeMessage(socket, { method, params });
    const reply = await readMessage<Reply>(socket);
    if (!reply.ok) {
      socket.destroy();
      throw new EmuError(reply.error.code, reply.error.message);
    }
    return { socket, result: reply.result };
  }

  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const { socket, result } = await this.open(method, params);
    socket.end();
    return result as T;
  }

  /** False when no daemon answers; a cluster that belongs to another user is an error, not "not running". */
  async isRunning(): Promise<boolean> {
    try {
      (await connect(this.paths)).destroy();
      return true;
    } catch (error) {
      if ((error as EmuError).code === 'PRIVILEGE') throw error;
      return false;
    }
  }
}

function connect(paths: ClusterPaths): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(paths.socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EACCES' || error.code === 'EPERM'
          ? notYours(paths, error)
          : new EmuError('CLUSTER_NOT_RUNNING', 'no emu cluster is running here; start one with `emu apply -f FILE`', { cause: error }),
      ),
    );
  });
}

/** The error for a cluster directory this user may not open. */
export function notYours(paths: ClusterPaths, cause: unknown): EmuError {
  const owner = ownerOf(paths.root);
  return new EmuError(
    'PRIVILEGE',
    `permission denied: cluster "${paths.name}" at ${paths.root} belongs to ${owner === undefined ? 'another user' : `user ${userName(owner)}`}; use your own EMU_HOME, or run emu as that user`,
    { cause },
  );
}

/** The owner of a path, or of its nearest ancestor this user may look at. */
function ownerOf(path: string): number | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statSync(p).uid;
    } catch {
      if (p === '/') return undefined;
    }
  }
}

function userName(uid: number): string {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
  return line ? `${line.split(':')[0]} (uid ${uid})` : `uid ${uid}`;
}
