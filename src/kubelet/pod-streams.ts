/**
 * The pod subresources the API server hands to the kubelet: logs (plain
 * text, optionally followed), exec and attach over WebSocket with the
 * Kubernetes channel protocol (v5/v4.channel.k8s.io: one byte of channel, then
 * data; the exit status as a Status on channel 3), and port-forward over
 * WebSocket as client libraries speak it (a data and an error channel per
 * port, each opened with the port number as two little-endian bytes).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createConnection } from 'node:net';
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { PodSubresources } from '../api/server.ts';
import { ApiError, badRequest, notFound } from '../api/status.ts';
import type { ApiObject } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import { spawnInPod } from './exec.ts';
import type { Kubelet, PodWorker } from './kubelet.ts';

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'];
const FOLLOW_POLL_MS = 100;

enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

export class KubeletPodStreams implements PodSubresources {
  private readonly sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...EXEC_PROTOCOLS, ...PORT_FORWARD_PROTOCOLS].find((p) => offered.has(p)) ?? false });

  constructor(private readonly kubelet: Kubelet) {}

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
    while (!closed && !worker.terminating && this.kubelet.workerFor(pod) === worker) {
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      offset = await copy(file, offset, out, (t) => stamp(t, Date.now()));
    }
    if (!closed) {
      await copy(file, offset, out, (t) => stamp(t, Date.now()));
      out.end();
    }
  }

  upgrade(pod: ApiObject, subresource: 'exec' | 'attach' | 'portforward', request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'https://emu');
    const query = url.searchParams;
    this.worker(pod);
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      if (subresource === 'portforward') return this.portForward(pod, query, ws);
      if (subresource === 'attach') return this.finish(ws, ws.protocol, new ApiError(400, 'BadRequest', 'attach is not supported by emu; use exec'));
      this.exec(pod, query, ws);
    });
  }

  private exec(pod: ApiObject, query: URLSearchParams, ws: WebSocket): void {
    const command = query.getAll('command');
    const tty = query.get('tty') === 'true';
    if (command.length === 0) return this.finish(ws, ws.protocol, badRequest('you must specify at least one command for the container'));
    let child;
    try {
      const container = containerName(pod as Pod & ApiObject, query.get('container'));
      child = spawnInPod(this.kubelet, pod.metadata.namespace!, pod.metadata.name, command, { container, tty });
    } catch (error) {
      return this.finish(ws, ws.protocol, error instanceof EmuError ? new ApiError(400, 'BadRequest', error.message) : (error as ApiError));
    }
    const send = (channel: Channel, data: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([channel]), data]));
    child.stdout!.on('data', (d: Buffer) => send(Channel.Stdout, d));
    child.stderr!.on('data', (d: Buffer) => send(tty ? Channel.Stdout : Channel.Stderr, d));
    child.stdin!.on('error', () => undefined);
    if (query.get('stdin') !== 'true') child.stdin!.end();
    ws.on('message', (message: Buffer) => {
      const channel = message[0];
      if (channel === Channel.Stdin && message.length > 1) child.stdin!.write(message.subarray(1));
      else if (channel === Channel.Close && message[1] === Channel.Stdin) child.stdin!.end();
    });
    ws.on('close', () => child.kill('SIGKILL'));
    ws.on('error', () => child.kill('SIGKILL'));
    child.on('close', (code, signal) => {
      const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1);
      const status = exitCode === 0
        ? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }
        : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit status ${exitCode}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] } };
      send(Channel.Error, Buffer.from(JSON.stringify(status)));
      ws.close(1000);
    });
  }

  private portForward(pod: ApiObject, query: URLSearchParams, ws: WebSocket): void {
    const ports = query.getAll('ports').flatMap((p) => p.split(',')).map(Number);
    const ip = (pod as Pod).status?.podIP;
    if (!ip || ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
      ws.close(1008, 'invalid ports');
      return;
    }
    const connections = ports.map((port, i) => {
      const data = 2 * i;
      const error = data + 1;
      const header = Buffer.alloc(2);
      header.writeUInt16LE(port);
      ws.send(Buffer.concat([Buffer.from([data]), header]));
      ws.send(Buffer.concat([Buffer.from([error]), header]));
      const upstream = createConnection({ host: ip, port });
      upstream.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([data]), d])));
      upstream.on('error', (e) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([error]), Buffer.from(`error forwarding port ${port} to pod ${pod.metadata.name}: ${e.message}`)]));
        ws.close();
      });
      upstream.on('close', () => ws.close());
      return upstream;
    });
    ws.on('message', (message: Buffer) => {
      const index = message[0] >> 1;
      if (message[0] % 2 === 0 && connections[index] && message.length > 1) connections[index].write(message.subarray(1));
    });
    ws.on('close', () => connections.forEach((c) => c.destroy()));
  }

  private finish(ws: WebSocket, _protocol: string, error: ApiError): void {
    ws.send(Buffer.concat([Buffer.from([Channel.Error]), Buffer.from(JSON.stringify(error.toStatus()))]));
    ws.close(1000);
  }

  evict(pod: ApiObject): ApiObject {
    void pod;
    throw new ApiError(405, 'MethodNotAllowed', 'eviction is not supported yet');
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

async function copy(file: string, offset: number, out: ServerResponse, transform: (text: string) => string): Promise<number> {
  const size = (await stat(file).catch(() => ({ size: 0 }))).size;
  if (size <= offset) return offset;
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    createReadStream(file, { start: offset, end: size - 1 }).on('data', (c) => chunks.push(c as Buffer)).on('end', resolve).on('error', reject);
  });
  out.write(transform(Buffer.concat(chunks).toString('utf8')));
  return size;
}
