/**
 * Which local user is on the other end of a loopback TCP connection: the
 * kernel's socket table (/proc/net/tcp) names the uid owning the client's
 * socket. The gateway and the dashboard serve the cluster's owner only.
 */
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';

/** The uid owning the client end of a 127.0.0.1 connection, or undefined when it is not in the table. */
export async function peerUid(socket: Socket): Promise<number | undefined> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const client = `0100007F:${hex(socket.remotePort!)}`;
  const server = `0100007F:${hex(socket.localPort!)}`;
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === client && fields[2] === server) return Number(fields[7]);
  }
  return undefined;
}
