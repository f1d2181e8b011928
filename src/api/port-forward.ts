import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { FLAG_FIN, GoAwayStatus, RstStatus, SpdyProtocolError, SpdyReader, SpdyWriter, type SpdyFrame } from './spdy.ts';
import { decodeChannel, encodeChannel, negotiateProtocol, portForwardChannels, portPrefix, SPDY_PORT_FORWARD, type PortChannels } from './streams.ts';

/**
 * The server side of port-forward, given a way to reach a port of the pod:
 * - `SpdyPortForwardSession`: kubectl's SPDY/3.1 streams tunnelled in a
 *   WebSocket (`SPDY/3.1+portforward.k8s.io`). kubectl opens an `error` and a
 *   `data` stream per local connection (headers streamType, port, requestID);
 *   the server replies to each at once, connects to the port, copies bytes both
 *   ways, and ends both streams when the pod side ends — writing the reason on
 *   the error stream first if it failed, which kubectl prints.
 * - `WebSocketPortForwardSession`: the channel protocol @kubernetes/client-node
 *   uses (`?ports=80`, channels 2i/2i+1, each opened with the port number).
 */

const SPDY_TUNNEL_REQUESTS = new WeakSet<IncomingMessage>();

/**
 * ws refuses the subprotocol kubectl offers for port-forward: `/` is not a token
 * character, so `SPDY/3.1+portforward.k8s.io` fails its header check with 400.
 * Call this on the upgrade request before ws handles it: when kubectl offers the
 * SPDY tunnel it takes the header out and returns true, and a WebSocketServer
 * prepared with `answerSpdyTunnels` names the protocol in its answer.
 */
export function takeSpdyTunnelOffer(req: IncomingMessage): boolean {
  if (negotiateProtocol(req.headers['sec-websocket-protocol'], [SPDY_PORT_FORWARD]) !== SPDY_PORT_FORWARD) return false;
  delete req.headers['sec-websocket-protocol'];
  SPDY_TUNNEL_REQUESTS.add(req);
  return true;
}

/** Make a WebSocketServer answer the requests `takeSpdyTunnelOffer` took with the SPDY tunnel protocol. */
export function answerSpdyTunnels(wss: WebSocketServer): void {
  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    if (SPDY_TUNNEL_REQUESTS.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_PORT_FORWARD}`);
  });
}

/** Where the session's own bytes go: a WebSocket (ws's WebSocket has this shape). */
export interface MessageTunnel {
  send(data: Buffer | string): void;
  close(code?: number, reason?: string): void;
}

/** Open a connection to the pod's port (e.g. net.connect to the pod IP inside the node). */
export type PortConnector = (port: number) => Promise<Duplex>;

export interface PortForwardOptions {
  /** How errors name the pod: `web-0_default, uid 1234`. */
  podDescription?: string;
  /** Largest DATA frame this side sends. */
  maxFrame?: number;
}

interface Stream {
  id: number;
  kind: 'data' | 'error';
  requestId: string;
  port: string;
  /** This side sent FIN. */
  finished: boolean;
}

interface Forward {
  data?: Stream;
  error?: Stream;
  socket?: Duplex;
  /** Bytes the client sent before the pod connection was up. */
  early: Buffer[];
  clientDone: boolean;
  started: boolean;
}

const DEFAULT_MAX_FRAME = 32 * 1024;

function parsePort(text: string): number | undefined {
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 1 && port <= 65535 ? port : undefined;
}

export class SpdyPortForwardSession {
  private readonly reader = new SpdyReader();
  private readonly writer = new SpdyWriter();
  private readonly streams = new Map<number, Stream>();
  private readonly forwards = new Map<string, Forward>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly tunnel: MessageTunnel,
    private readonly connect: PortConnector,
    private readonly options: PortForwardOptions = {},
  ) {}

  /** Bytes from the tunnel (one WebSocket binary message). */
  receive(chunk: Buffer): void {
    this.queue = this.queue
      .then(async () => {
        if (this.closed) return;
        for (const frame of await this.reader.push(chunk)) this.handle(frame);
      })
      .catch((error: unknown) => this.fail(error));
  }

  /** The tunnel is gone: drop every pod connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const forward of this.forwards.values()) forward.socket?.destroy();
    this.forwards.clear();
    this.streams.clear();
    this.reader.close();
  }

  /** How many forwards are open (for tests and leak checks). */
  get openForwards(): number {
    return this.forwards.size;
  }

  private send(frame: SpdyFrame): void {
    if (!this.closed) this.tunnel.send(this.writer.encode(frame));
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const status = error instanceof SpdyProtocolError ? GoAwayStatus.PROTOCOL_ERROR : GoAwayStatus.INTERNAL_ERROR;
    this.send({ type: 'goaway', lastGoodStreamId: Math.max(0, ...this.streams.keys()), status });
    this.tunnel.close(1002, error instanceof Error ? error.message.slice(0, 120) : 'protocol error');
    this.close();
  }

  private handle(frame: SpdyFrame): void {
    switch (frame.type) {
      case 'syn_stream':
        return this.open(frame.streamId, frame.headers, (frame.flags & FLAG_FIN) !== 0);
      case 'data':
        return this.data(frame.streamId, frame.data, (frame.flags & FLAG_FIN) !== 0);
      case 'rst_stream':
        return this.reset(frame.streamId);
      case 'ping':
        // Client pings have odd ids: echo them. Ours (even) we never send.
        if (frame.id % 2 === 1) this.send(frame);
        return;
      case 'goaway':
        this.tunnel.close(1000, 'go away');
        return this.close();
      default:
        return; // SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY: nothing to do (no flow control, as spdystream)
    }
  }

  private open(id: number, headers: Record<string, string>, fin: boolean): void {
    if (this.streams.has(id) || id % 2 === 0) {
      this.send({ type: 'rst_stream', streamId: id, status: RstStatus.PROTOCOL_ERROR });
      return;
    }
    const kind = headers.streamtype;
    if (kind !== 'data' && kind !== 'error') {
      this.send({ type: 'rst_stream', streamId: id, status: RstStatus.PROTOCOL_ERROR });
      return;
    }
    const requestId = headers.requestid ?? String(id);
    const stream: Stream = { id, kind, requestId, port: headers.port ?? '', finished: false };
    this.streams.set(id, stream);
    this.send({ type: 'syn_reply', streamId: id, flags: 0, headers: {} });
    const forward = this.forwards.get(requestId) ?? { early: [], clientDone: false, started: false };
    this.forwards.set(requestId, forward);
    forward[kind] = stream;
    if (kind === 'data' && fin) forward.clientDone = true;
    if (forward.data && forward.error && !forward.started) this.start(forward);
  }

  private start(forward: Forward): void {
    forward.started = true;
    const portText = forward.data!.port;
    const port = parsePort(portText);
    if (port === undefined) return this.finish(forward, `unable to parse '${portText}' as a port`);
    this.connect(port).then(
      (socket) => {
        if (this.closed || !this.forwards.has(forward.data!.requestId)) return void socket.destroy();
        forward.socket = socket;
        for (const chunk of forward.early) socket.write(chunk);
        forward.early = [];
        if (forward.clientDone) socket.end();
        const max = this.options.maxFrame ?? DEFAULT_MAX_FRAME;
        socket.on('data', (chunk: Buffer) => {
          for (let at = 0; at < chunk.length; at += max) this.send({ type: 'data', streamId: forward.data!.id, flags: 0, data: chunk.subarray(at, at + max) });
        });
        socket.on('end', () => this.finish(forward));
        socket.on('error', (error: Error) => this.finish(forward, this.describe(port, error)));
        socket.on('close', () => this.finish(forward));
      },
      (error: Error) => this.finish(forward, this.describe(port, error)),
    );
  }

  private describe(port: number, error: Error): string {
    return `error forwarding port ${port} to pod ${this.options.podDescription ?? ''}: ${error.message}`;
  }

  /** End a forward: the reason (if any) on the error stream, then FIN on both streams. */
  private finish(forward: Forward, problem?: string): void {
    const { data, error } = forward;
    if (!data || !error || !this.forwards.has(data.requestId)) return;
    this.forwards.delete(data.requestId);
    if (problem && !error.finished) this.send({ type: 'data', streamId: error.id, flags: 0, data: Buffer.from(problem) });
    for (const stream of [data, error]) {
      if (!stream.finished) this.send({ type: 'data', streamId: stream.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
      stream.finished = true;
      this.streams.delete(stream.id);
    }
    forward.socket?.destroy();
  }

  private data(id: number, bytes: Buffer, fin: boolean): void {
    const stream = this.streams.get(id);
    if (!stream) return; // a stream already ended: late bytes are dropped, as spdystream does
    const forward = this.forwards.get(stream.requestId);
    if (!forward || stream.kind !== 'data') return; // clients send nothing meaningful on the error stream
    if (bytes.length) {
      if (forward.socket) forward.socket.write(bytes);
      else forward.early.push(bytes);
    }
    if (fin) {
      forward.clientDone = true;
      forward.socket?.end();
    }
  }

  private reset(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    const forward = this.forwards.get(stream.requestId);
    for (const other of [forward?.data, forward?.error]) {
      if (!other) continue;
      other.finished = true;
      this.streams.delete(other.id);
    }
    this.streams.delete(id);
    if (forward) {
      this.forwards.delete(stream.requestId);
      forward.socket?.destroy();
    }
  }
}

/**
 * Port-forward over the WebSocket channel protocol, as @kubernetes/client-node
 * and the kubelet speak it: each port's data and error channels open with the
 * port number; bytes on a data channel go to that port; when every port's
 * connection has ended, the WebSocket closes.
 */
export class WebSocketPortForwardSession {
  private readonly sockets = new Map<number, Duplex>();
  /** Bytes a client sent on a data channel before the pod connection was up. */
  private readonly early = new Map<number, Buffer[]>();
  private readonly channels: PortChannels[];
  private open: number;
  private closed = false;

  constructor(
    private readonly tunnel: MessageTunnel,
    private readonly protocol: string,
    ports: readonly number[],
    private readonly connect: PortConnector,
    private readonly options: PortForwardOptions = {},
  ) {
    this.channels = portForwardChannels(ports);
    this.open = this.channels.length;
  }

  start(): void {
    for (const pair of this.channels) {
      this.tunnel.send(portPrefix(this.protocol, pair.data, pair.port));
      this.tunnel.send(portPrefix(this.protocol, pair.error, pair.port));
      this.connect(pair.port).then(
        (socket) => {
          if (this.closed) return void socket.destroy();
          this.sockets.set(pair.data, socket);
          for (const chunk of this.early.get(pair.data) ?? []) socket.write(chunk);
          this.early.delete(pair.data);
          socket.on('data', (chunk: Buffer) => this.send(pair.data, chunk));
          socket.on('error', (error: Error) => this.send(pair.error, Buffer.from(`error forwarding port ${pair.port} to pod ${this.options.podDescription ?? ''}: ${error.message}`)));
          socket.on('close', () => this.ended(pair.data));
        },
        (error: Error) => {
          this.send(pair.error, Buffer.from(`error forwarding port ${pair.port} to pod ${this.options.podDescription ?? ''}: ${error.message}`));
          this.ended(pair.data);
        },
      );
    }
  }

  receive(message: Buffer | string, isBinary = typeof message !== 'string'): void {
    const decoded = decodeChannel(this.protocol, message, isBinary);
    if (!decoded || !('channel' in decoded) || decoded.data.length === 0) return;
    const socket = this.sockets.get(decoded.channel);
    if (socket) socket.write(decoded.data);
    // Clients write as soon as the WebSocket is open, before the pod connection is: keep it.
    else if (this.channels.some((c) => c.data === decoded.channel)) this.early.set(decoded.channel, [...(this.early.get(decoded.channel) ?? []), decoded.data]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets.values()) socket.destroy();
    this.sockets.clear();
  }

  private send(channel: number, data: Buffer): void {
    if (!this.closed) this.tunnel.send(encodeChannel(this.protocol, channel, data));
  }

  private ended(channel: number): void {
    this.sockets.delete(channel);
    if (--this.open === 0 && !this.closed) {
      this.tunnel.close(1000, '');
      this.close();
    }
  }
}
