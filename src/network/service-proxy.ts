import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface ProxyBackend {
  ip: string;
  /** The pod port the service port maps to (targetPort, named ports already resolved). */
  port: number;
}

/**
 * A ClusterIP service port: listens on the virtual IP and sends each new
 * connection to a ready endpoint chosen at random, as kube-proxy does.
 * With no ready endpoint the connection is refused (reset), like a Service
 * with no endpoints.
 */
export class ServiceProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly ip: string,
    readonly port: number,
    private readonly backends: () => ProxyBackend[],
    private readonly random: () => number = Math.random,
  ) {}

  async start(): Promise<void> {
    // allowHalfOpen: a client that shuts its sending side still gets the reply.
    const server = createServer({ allowHalfOpen: true }, (client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.ip, () => resolve());
    });
    this.server = server;
  }

  private forward(client: Socket): void {
    const candidates = this.backends();
    if (candidates.length === 0) {
      client.resetAndDestroy();
      return;
    }
    const target = candidates[Math.floor(this.random() * candidates.length)];
    const upstream = createConnection({ host: target.ip, port: target.port });
    this.track(client);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
