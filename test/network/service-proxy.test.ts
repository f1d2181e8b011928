import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceProxy, type ProxyBackend } from '../../src/network/service-proxy.ts';

const HOST = '127.0.0.1';

interface EchoServer {
  id: string;
  server: Server;
  port: number;
  /** Connections currently open on this backend. */
  open: Set<Socket>;
  accepted: number;
}

/**
 * A backend that answers each line "<line>\n" with "<id>|<line>\n", and, when the client
 * half-closes, a last "<id>|bye" before closing its own side.
 */
async function echoServer(id: string): Promise<EchoServer> {
  const open = new Set<Socket>();
  const echo: EchoServer = { id, server: undefined as unknown as Server, port: 0, open, accepted: 0 };
  echo.server = createServer({ allowHalfOpen: true }, (socket) => {
    echo.accepted++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (c) => {
      buffered += c.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        socket.write(`${id}|${buffered.slice(0, nl)}\n`);
        buffered = buffered.slice(nl + 1);
      }
    });
    socket.on('end', () => socket.end(`${id}|bye`));
  });
  echo.server.listen(0, HOST);
  await once(echo.server, 'listening');
  echo.port = (echo.server.address() as AddressInfo).port;
  return echo;
}

/** A port nothing listens on right now (ServiceProxy cannot report the port it got for 0). */
async function freePort(): Promise<number> {
  const s = createServer().listen(0, HOST);
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Send one line through a new connection and return the answer line, then close. */
async function request(port: number, message: string): Promise<string> {
  const socket = connect({ host: HOST, port });
  try {
    let received = '';
    const answer = new Promise<string>((resolve, reject) => {
      socket.on('data', (c) => {
        received += c.toString();
        if (received.includes('\n')) resolve(received.slice(0, received.indexOf('\n')));
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`connection closed after ${JSON.stringify(received)}`)));
    });
    socket.write(`${message}\n`);
    return await answer;
  } finally {
    socket.destroy();
  }
}

/** How a connection ends when the service cannot serve it. */
async function failure(port: number): Promise<string> {
  const socket = connect({ host: HOST, port });
  socket.write('anyone?');
  const outcome = await new Promise<string>((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.once('data', () => resolve('data'));
    socket.once('end', () => resolve('end'));
  });
  socket.destroy();
  return outcome;
}

const sequence = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(backendCount: number, random?: () => number, list?: (all: ProxyBackend[]) => ProxyBackend[]) {
  const servers = await Promise.all(Array.from({ length: backendCount }, (_, i) => echoServer(`b${i}`)));
  cleanups.push(async () => {
    for (const s of servers) {
      for (const c of s.open) c.destroy();
      await new Promise<void>((resolve) => s.server.close(() => resolve()));
    }
  });
  const all = servers.map((s) => ({ ip: HOST, port: s.port }));
  const port = await freePort();
  const proxy = new ServiceProxy(HOST, port, () => (list ? list(all) : all), random);
  await proxy.start();
  cleanups.push(() => proxy.stop());
  return { servers, proxy, port };
}

describe('ServiceProxy', () => {
  it('forwards a connection both ways to a backend, several exchanges on one connection', async () => {
    const { port } = await setup(1);
    expect(await request(port, 'hello world')).toBe('b0|hello world');
    const socket = connect({ host: HOST, port });
    let received = '';
    socket.on('data', (c) => (received += c.toString()));
    socket.write('one\n');
    socket.write('two\n');
    const big = 'x'.repeat(256 * 1024);
    socket.write(`${big}\n`);
    for (let i = 0; i < 10_000 && !received.endsWith(`b0|${big}\n`); i++) await once(socket, 'data');
    socket.destroy();
    expect(received).toBe(`b0|one\nb0|two\nb0|${big}\n`);
  });

  // BUG: the proxy's listening server is created without allowHalfOpen, so when a client
  // shuts down its sending side (FIN, e.g. `printf 'stats\n' | nc -N svc 11211`), Node ends
  // the proxy->client direction at once; the backend's reply, which arrives after the
  // client's FIN was forwarded, is dropped. A Service in Kubernetes forwards at L4 (NAT), so
  // the client gets the backend's reply ("b0|hello" then "b0|bye" here).
  it('keeps the reply direction open after the client half-closes', async () => {
    const { port } = await setup(1);
    const socket = connect({ host: HOST, port, allowHalfOpen: true });
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (c) => (received += c.toString()));
    socket.end('hello\n');
    await once(socket, 'close');
    expect(received).toBe('b0|hello\nb0|bye');
  });

  it('chooses the backend for each new connection from the injected random number', async () => {
    const { port } = await setup(3, sequence([0, 0.5, 0.99, 0.34, 0.66, 0.1]));
    const served: string[] = [];
    for (let i = 0; i < 6; i++) served.push((await request(port, `req${i}`)).split('|')[0]);
    // floor(r * 3): 0→0, 0.5→1, 0.99→2, 0.34→1, 0.66→1, 0.1→0
    expect(served).toEqual(['b0', 'b1', 'b2', 'b1', 'b1', 'b0']);
  });

  it('spreads connections over every backend with the default random source', async () => {
    const { port, servers } = await setup(3);
    const served = new Set<string>();
    for (let i = 0; i < 60 && served.size < 3; i++) served.add((await request(port, 'x')).split('|')[0]);
    expect(served).toEqual(new Set(servers.map((s) => s.id)));
  });

  it('asks for the ready backends on every connection, so endpoint changes apply to new connections', async () => {
    let onlySecond = false;
    const { port } = await setup(2, () => 0, (all) => (onlySecond ? [all[1]] : all));
    expect(await request(port, 'a')).toBe('b0|a');
    onlySecond = true;
    expect(await request(port, 'b')).toBe('b1|b');
  });

  it('resets connections when the service has no ready endpoint', async () => {
    const { port } = await setup(1, undefined, () => []);
    expect(await failure(port)).toBe('ECONNRESET');
  });

  it('resets the client when the chosen endpoint refuses the connection', async () => {
    const dead = await freePort();
    const port = await freePort();
    const proxy = new ServiceProxy(HOST, port, () => [{ ip: HOST, port: dead }]);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    expect(await failure(port)).toBe('ECONNRESET');
  });

  it('fails to start when the address is already taken', async () => {
    const { port } = await setup(1);
    const second = new ServiceProxy(HOST, port, () => []);
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('stop() closes open connections on both sides and stops listening', async () => {
    const { port, proxy, servers } = await setup(1);
    const client = connect({ host: HOST, port });
    client.on('error', () => {});
    await once(client, 'connect');
    client.write('pending');
    // Wait until the proxied connection has reached the backend.
    for (let i = 0; i < 500 && servers[0].open.size === 0; i++) await new Promise((r) => setImmediate(r));
    expect(servers[0].open.size).toBe(1);
    const backendSide = [...servers[0].open][0];
    const backendClosed = once(backendSide, 'close');
    const clientClosed = once(client, 'close');

    await proxy.stop();
    await clientClosed;
    await backendClosed;
    expect(servers[0].open.size).toBe(0);
    expect(await failure(port)).toBe('ECONNREFUSED');
  });

  it('stop() on a proxy that never started resolves', async () => {
    await expect(new ServiceProxy(HOST, 1, () => []).stop()).resolves.toBeUndefined();
  });
});
