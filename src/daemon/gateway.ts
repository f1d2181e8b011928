/**
 * The loopback gateway: the port kubectl and client libraries connect to
 * (https://127.0.0.1:PORT). A node lives in network namespaces of its own, so
 * this small process, on the host's side, accepts each TCP connection, checks
 * that the local user behind it owns the cluster (from the kernel's socket
 * table, /proc/net/tcp), and pipes the bytes to the cluster's API socket.
 * Another user's connection is answered with a 403 Status and closed. The
 * gateway holds a watch open on the API and exits when the cluster goes.
 */
import { request } from 'node:https';
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { userInfo } from 'node:os';
import { credentialPaths } from '../api/credentials.ts';
import { peerUid } from './peer-uid.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';

const LOOPBACK = '127.0.0.1';

export async function runGateway(paths: ClusterPaths): Promise<void> {
  const pki = credentialPaths(paths.pki);
  const [ca, cert, key, serverCert, serverKey] = await Promise.all([pki.caCert, pki.clientCert, pki.clientKey, pki.serverCert, pki.serverKey].map((p) => readFile(p, 'utf8')));
  await lifeline(paths, { ca, cert, key }, () => process.exit(0));
  const owner = process.getuid?.() ?? 0;
  const server = createServer((socket) => void accept(socket));
  const accept = async (socket: Socket) => {
    socket.on('error', () => undefined);
    const uid = await peerUid(socket).catch(() => undefined);
    if (uid !== owner) return refuse(socket, uid, { cert: serverCert, key: serverKey });
    const upstream = createConnection(paths.apiSocket);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  };
  const port = await listen(server, Number((await readFile(paths.apiPort, 'utf8').catch(() => '0')).trim()) || 0);
  await writeFile(paths.apiPort, `${port}\n`);
  await writeFile(`${paths.run}/gateway.json`, JSON.stringify({ pid: process.pid, port }));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0));
}

/** The remembered port when it is free (kubeconfigs stay valid), any free port otherwise. */
function listen(server: Server, preferred: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = (port: number) => {
      server.once('error', (error: NodeJS.ErrnoException) => (port !== 0 && error.code === 'EADDRINUSE' ? attempt(0) : reject(error)));
      server.listen(port, LOOPBACK, () => resolve((server.address() as { port: number }).port));
    };
    attempt(preferred);
  });
}

/** A watch held open on the API: when it ends, the cluster is gone, and so is the gateway. */
function lifeline(paths: ClusterPaths, tls: { ca: string; cert: string; key: string }, onEnd: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: paths.apiSocket, path: '/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddefault', servername: 'localhost', ...tls }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`the API answered ${res.statusCode}`));
      resolve();
      res.on('data', () => undefined);
      res.on('end', onEnd);
      res.on('error', onEnd);
    });
    req.on('error', (error) => reject(error));
    req.on('close', onEnd);
    req.end();
  });
}

/** Another user: a TLS handshake, then kubectl's kind of answer — 403 with a Status saying why. */
function refuse(socket: Socket, uid: number | undefined, tls: { cert: string; key: string }): void {
  const secure = new TLSSocket(socket, { isServer: true, cert: tls.cert, key: tls.key });
  secure.on('error', () => socket.destroy());
  const owner = userInfo().username;
  const status = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `forbidden: this emu cluster belongs to local user "${owner}"; connections from uid ${uid ?? 'unknown'} are refused`,
    reason: 'Forbidden',
    code: 403,
  });
  secure.once('data', () => {
    secure.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(status)}\r\nConnection: close\r\n\r\n${status}`);
  });
}
