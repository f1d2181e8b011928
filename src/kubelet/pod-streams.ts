/**
 * The pod subresources the API server hands to the kubelet: logs (plain
 * text, optionally followed), exec over WebSocket with the Kubernetes channel
 * protocols (the exit status as a Status on channel 3), and port-forward both
 * as kubectl speaks it (SPDY/3.1 tunnelled in a WebSocket) and as client
 * libraries do (the WebSocket channel protocol).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createConnection } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { PodSubresources } from '../api/server.ts';
import { answerSpdyTunnels, SpdyPortForwardSession, takeSpdyTunnelOffer, WebSocketPortForwardSession } from '../api/port-forward.ts';
import { RemoteCommandSession } from '../api/remote-command.ts';
import { badRequest, notFound } from '../api/status.ts';
import { execFailure, negotiateProtocol, parsePorts, PORT_FORWARD_PROTOCOLS, REMOTE_COMMAND_PROTOCOLS, SPDY_PORT_FORWARD } from '../api/streams.ts';
import type { ApiObject } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import { spawnInPod } from './exec.ts';
import type { Kubelet, PodWorker } from './kubelet.ts';

const FOLLOW_POLL_MS = 100;

export class KubeletPodStreams implements PodSubresources {
  private readonly sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...REMOTE_COMMAND_PROTOCOLS, ...PORT_FORWARD_PROTOCOLS].find((p) => offered.has(p)) ?? false });

  constructor(private readonly kubelet: Kubelet) {
    answerSpdyTunnels(this.sockets);
  }

  async logs(pod: ApiObject, query: URLSearchParams, out: ServerResponse): Promise<void> {
    const worker = this.worker(pod);
    const runtime = worker.runtime;
    const container = containerName(pod as Pod & ApiObject, query.get('container'));
    const statuses = [...(runtime?.status.containerStatuses ?? []), ...(runtime?.status.initContainerStatuses ?? [])];
    const status = statuses.find((s) => s.name === container);
    if (!runtime || !status) throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    // While a crashed container waits to restart, its log and --previous are both the last run's, as kubectl shows them.
    const waiting = status.current.state === 'waiting' && status.restartCount > 0;
    const previous = query.get('previous') === 'true';
    const run = waiting || previous ? status.restartCount - 1 : status.restartCount;
    if (run < 0) throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    const file = runtime.logFile(container, run);
    const follow = query.get('follow') === 'true' && !previous;
    const tail = query.has('tailLines') ? Number(query.get('tailLines')) : undefined;
    const timestamps = query.get('timestamps') === 'true';
    out.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    out.flushHeaders();
    let offset = 0;
    const startedAt = status.current.state === 'running' ? status.current.startedAt : Date.now();
    const stamp = (text: string, at: number) => (timestamps ? text.replace(/^(?=.)/gm, `${new Date(at).toISOString().replace('Z', '000000Z')} `) : text);
    if (tail !== undefined && tail >= 0) {
      const text = await readFile(file, 'utf8').catch(() => '');
      offset = Buffer.byteLength(text);
      const lines = text.split('\n');
      const last = lines.at(-1) === '' ? lines.slice(0, -1) : lines;
      const kept = tail === 0 ? [] : last.slice(-tail);
      if (kept.length) out.write(stamp(kept.join('\n') + '\n', startedAt));
    } else {
      offset = await copy(file, 0, out, (t) => stamp(t, startedAt));
    }
    if (!follow) return void out.end();
    let closed = false;
    out.on('close', () => (closed = true));
    // Follow this incarnation until it is gone or the client leaves.
    await followFile(file, offset, out, () => closed || worker.terminating || this.kubelet.workerFor(pod) !== worker, (t) => stamp(t, Date.now()));
    if (!closed) out.end();
  }

  upgrade(pod: ApiObject, subresource: 'exec' | 'attach' | 'portforward', request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(request.url ?? '/', 'https://emu').searchParams;
    this.worker(pod);
    const spdy = subresource === 'portforward' && takeSpdyTunnelOffer(request);
    const offered = request.headers['sec-websocket-protocol'];
    const protocol = spdy ? SPDY_PORT_FORWARD : negotiateProtocol(offered, subresource === 'portforward' ? PORT_FORWARD_PROTOCOLS : REMOTE_COMMAND_PROTOCOLS);
    if (!protocol) throw badRequest(`none of the offered subprotocols (${String(offered ?? '')}) is supported`);
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      if (subresource === 'portforward') return this.portForward(pod, query, ws, protocol);
      const session = new RemoteCommandSession(ws, protocol);
      ws.on('message', (message: Buffer, isBinary: boolean) => session.receive(message, isBinary));
      ws.on('close', () => session.close());
      ws.on('error', () => session.close());
      if (subresource === 'attach') return void this.attach(pod, query, session, ws);
      this.exec(pod, query, session, ws);
    });
  }

  private exec(pod: ApiObject, query: URLSearchParams, session: RemoteCommandSession, ws: WebSocket): void {
    const command = query.getAll('command');
    const tty = query.get('tty') === 'true';
    if (command.length === 0) return void session.finish(execFailure('you must specify at least one command for the container'));
    let child;
    try {
      const container = containerName(pod as Pod & ApiObject, query.get('container'));
      child = spawnInPod(this.kubelet, pod.metadata.namespace!, pod.metadata.name, command, { container, tty });
    } catch (error) {
      return void session.finish(execFailure((error as Error).message));
    }
    const ended = (stream: NodeJS.ReadableStream) => new Promise<void>((resolve) => stream.once('close', resolve).once('end', resolve));
    child.stdout.pipe(session.stdout, { end: false });
    child.stderr.pipe(tty ? session.stdout : session.stderr, { end: false });
    child.stdin.on('error', () => undefined);
    if (query.get('stdin') === 'true') session.stdin.pipe(child.stdin);
    else child.stdin.end();
    ws.on('close', () => child.kill());
    void Promise.all([child.exited, ended(child.stdout), ended(child.stderr)]).then(([code]) => session.finish(code));
  }

  /**
   * Attach: the container's output from the start of its current run (so a
   * short command's output is not lost to the race between its start and the
   * attach), until that run ends. What the client types goes to the container's
   * standard input when the container keeps one open (`stdin: true`), and ends it
   * when this attach ends if `stdinOnce` says so (how `kubectl run -it --rm` ends).
   */
  private async attach(pod: ApiObject, query: URLSearchParams, session: RemoteCommandSession, ws: WebSocket): Promise<void> {
    const worker = this.worker(pod);
    let container: string;
    try {
      container = containerName(pod as Pod & ApiObject, query.get('container'));
    } catch (error) {
      return void session.finish(execFailure((error as Error).message));
    }
    const status = () => worker.runtime?.status.containerStatuses.find((c) => c.name === container);
    const first = status();
    if (!worker.runtime || !first || (first.current.state === 'waiting' && first.restartCount === 0)) {
      return void session.finish(execFailure(`container ${container} in pod ${pod.metadata.name} is not running`));
    }
    const run = first.current.state === 'waiting' ? first.restartCount - 1 : first.restartCount;
    let closed = false;
    ws.on('close', () => (closed = true));
    const input = worker.runtime.container(container)?.stdin;
    const spec = worker.runtime.spec.containers.find((c) => c.name === container);
    if (input && query.get('stdin') === 'true') {
      session.stdin.on('data', (chunk: Buffer) => input.write(chunk));
      session.stdin.on('end', () => spec?.stdinOnce && input.end());
    }
    const over = () => closed || worker.terminating || this.kubelet.workerFor(pod) !== worker || status()?.restartCount !== run || status()?.current.state !== 'running';
    await followFile(worker.runtime.logFile(container, run), 0, session.stdout, over, (t) => t);
    if (!closed) await session.finish(0);
  }

  private portForward(pod: ApiObject, query: URLSearchParams, ws: WebSocket, protocol: string): void {
    const ip = (pod as Pod).status?.podIP;
    const connect = (port: number): Promise<Duplex> =>
      new Promise((resolve, reject) => {
        if (!ip) return reject(new Error('the pod has no IP address'));
        const connection = createConnection({ host: ip, port });
        connection.once('connect', () => resolve(connection));
        connection.once('error', reject);
      });
    const description = `${pod.metadata.name}_${pod.metadata.namespace}, uid ${pod.metadata.uid}`;
    if (protocol === SPDY_PORT_FORWARD) {
      const session = new SpdyPortForwardSession(ws, connect, { podDescription: description });
      ws.on('message', (message: Buffer) => session.receive(message));
      ws.on('close', () => session.close());
      return;
    }
    const ports = parsePorts(query.getAll('ports'));
    if (typeof ports === 'string') return ws.close(1008, ports);
    const session = new WebSocketPortForwardSession(ws, protocol, ports, connect, { podDescription: description });
    ws.on('message', (message: Buffer, isBinary: boolean) => session.receive(message, isBinary));
    ws.on('close', () => session.close());
    session.start();
  }

  private worker(pod: ApiObject): PodWorker {
    const worker = this.kubelet.workerFor(pod);
    if (!worker) throw notFound({ group: '', resource: 'pods' }, pod.metadata.name);
    return worker;
  }
}

/** The container a request names, or the pod's only one; several and none named is an error, as the API server says. */
function containerName(pod: Pod & ApiObject, requested: string | null): string {
  const containers = pod.spec?.containers.map((c) => c.name) ?? [];
  const all = [...containers, ...(pod.spec?.initContainers ?? []).map((c) => c.name)];
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (preferred && containers.includes(preferred)) return preferred;
  if (containers.length === 1) return containers[0];
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]${pod.spec?.initContainers?.length ? ` or one of the init containers: [${pod.spec.initContainers.map((c) => c.name).join(' ')}]` : ''}`);
}

/** Copy what a file holds beyond `offset` to `out`; returns the new offset. */
async function copy(file: string, offset: number, out: Writable, transform: (text: string) => string): Promise<number> {
  const size = (await stat(file).catch(() => ({ size: 0 }))).size;
  if (size <= offset) return offset;
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    createReadStream(file, { start: offset, end: size - 1 }).on('data', (c) => chunks.push(c as Buffer)).on('end', resolve).on('error', reject);
  });
  out.write(transform(Buffer.concat(chunks).toString('utf8')));
  return size;
}

/** Copy a growing file to `out` from `offset` until `over()`, then what came last. */
async function followFile(file: string, offset: number, out: Writable, over: () => boolean, transform: (text: string) => string): Promise<void> {
  offset = await copy(file, offset, out, transform);
  while (!over()) {
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    offset = await copy(file, offset, out, transform);
  }
  await copy(file, offset, out, transform);
}
