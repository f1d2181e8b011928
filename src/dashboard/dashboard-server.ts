/**
 * The dashboard's web server: loopback only, for the cluster's owner only.
 * Every request must carry the random token printed with the URL (so no web
 * page the owner visits can read the cluster), name this server in its Host
 * header (no DNS rebinding), and come from a socket of the owner's uid (other
 * local users are refused even with the token). `/` is the page; `/events` a
 * Server-Sent Events stream of the whole view, sent again on every change.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { userInfo } from 'node:os';
import { peerUid } from '../daemon/peer-uid.ts';

const LOOPBACK = '127.0.0.1';

export interface DashboardServerOptions {
  port: number;
  token: string;
  /** The uid allowed to connect. */
  owner: number;
  page: string;
}

export class DashboardServer {
  private readonly server: Server;
  private readonly clients = new Set<ServerResponse>();
  private readonly peers = new WeakMap<Socket, Promise<number | undefined>>();
  private latest = '';
  private port = 0;

  constructor(private readonly options: DashboardServerOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Listen; resolves with the URL to open. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => reject(error));
      this.server.listen(this.options.port, LOOPBACK, () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve(`http://${LOOPBACK}:${this.port}/?token=${this.options.token}`);
      });
    });
  }

  /** Send a new view to every open page (nothing when it did not change). */
  publish(json: string): void {
    if (json === this.latest) return;
    this.latest = json;
    for (const client of this.clients) client.write(`data: ${json}\n\n`);
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const refusal = await this.refusal(req, url);
    if (refusal) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${refusal}\n`);
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'", 'Referrer-Policy': 'no-referrer' }).end(this.options.page);
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(`retry: 1000\n\n`);
      if (this.latest) res.write(`data: ${this.latest}\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  }

  /** Why this request is refused, or undefined to serve it. */
  private async refusal(req: IncomingMessage, url: URL): Promise<string | undefined> {
    let uid = this.peers.get(req.socket);
    if (!uid) this.peers.set(req.socket, (uid = peerUid(req.socket).catch(() => undefined)));
    const peer = await uid;
    if (peer !== this.options.owner) return `forbidden: this emu dashboard belongs to local user "${userInfo().username}"; connections from uid ${peer ?? 'unknown'} are refused`;
    const host = req.headers.host ?? '';
    if (host !== `${LOOPBACK}:${this.port}` && host !== `localhost:${this.port}`) return `forbidden: open the dashboard as http://${LOOPBACK}:${this.port}/ (got Host "${host}")`;
    if (!sameToken(url.searchParams.get('token') ?? '', this.options.token)) return 'forbidden: the URL needs the token `emu dashboard` printed';
    return undefined;
  }
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
