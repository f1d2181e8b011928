import type { Socket } from 'node:net';
import { EmuError, type EmuErrorCode } from '../errors.ts';

/**
 * The daemon speaks one request per connection: a JSON line in, a JSON line out.
 * Streaming methods (watch, dial) keep the connection open after their reply.
 */
export interface Request {
  method: string;
  params: Record<string, unknown>;
}

export type Reply = { ok: true; result: unknown } | { ok: false; error: { code: EmuErrorCode; message: string } };

/** Read exactly one newline-terminated JSON message; unshift whatever follows it back. */
export function readMessage<T>(socket: Socket): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const newline = buffer.indexOf(10);
      if (newline < 0) return;
      cleanup();
      const rest = buffer.subarray(newline + 1);
      if (rest.length > 0) socket.unshift(rest);
      try {
        resolve(JSON.parse(buffer.subarray(0, newline).toString('utf8')) as T);
      } catch (error) {
        reject(new EmuError('RUNTIME_FAILED', 'malformed message from the emu daemon', { cause: error }));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new EmuError('CLUSTER_NOT_RUNNING', 'the emu daemon closed the connection'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
  });
}

export function writeMessage(socket: Socket, message: unknown): void {
  socket.write(JSON.stringify(message) + '\n');
}
