import { createConnection, type Socket } from 'node:net';
import { EmuError } from '../errors.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';
import { readMessage, writeMessage, type Reply } from './protocol.ts';

/** The CLI's side of the daemon socket. */
export class DaemonClient {
  constructor(readonly paths: ClusterPaths) {}

  /** Open a connection and send a request; resolves with the socket after a successful reply. */
  async open(method: string, params: Record<string, unknown> = {}): Promise<{ socket: Socket; result: unknown }> {
    const socket = await connect(this.paths.socket);
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

  async isRunning(): Promise<boolean> {
    try {
      (await connect(this.paths.socket)).destroy();
      return true;
    } catch {
      return false;
    }
  }
}

function connect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error) =>
      reject(new EmuError('CLUSTER_NOT_RUNNING', 'no emu cluster is running here; start one with `emu apply -f FILE`', { cause: error })),
    );
  });
}
