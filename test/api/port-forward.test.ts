import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { createDeflate, constants as zlibConstants } from 'node:zlib';
import { execa, type ResultPromise } from 'execa';
import { WebSocket, WebSocketServer } from 'ws';
import { FLAG_FIN, SpdyReader, SpdyWriter, encodeHeaderBlock, type SpdyFrame } from '../../src/api/spdy.ts';
import { SPDY3_DICTIONARY } from '../../src/api/spdy-dictionary.ts';
import { SpdyPortForwardSession, WebSocketPortForwardSession, answerSpdyTunnels, takeSpdyTunnelOffer, type PortConnector } from '../../src/api/port-forward.ts';
import { V4_CHANNEL } from '../../src/api/streams.ts';
import { kubectlEnv } from '../helpers/kubectl.ts';

/** How Go's spdystream compresses header blocks: one zlib stream with the dictionary, a sync flush per block. */
function goCompressor(): (block: Buffer) => Promise<Buffer> {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
  let chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  return (block) =>
    new Promise((resolve) => {
      deflate.write(block);
      deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        resolve(Buffer.concat(chunks));
        chunks = [];
      });
    });
}

async function synStream(compress: (b: Buffer) => Promise<Buffer>, streamId: number, headers: Record<string, string>, flags = 0): Promise<Buffer> {
  const block = await compress(encodeHeaderBlock(headers));
  const payload = Buffer.alloc(10 + block.length);
  payload.writeUInt32BE(streamId, 0);
  block.copy(payload, 10);
  const header = Buffer.from([0x80, 0x03, 0x00, 0x01, flags, 0, 0, 0]);
  header.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([header, payload]);
}

describe('SPDY framing', () => {
  it('round-trips every frame type through writer and reader', async () => {
    const frames: SpdyFrame[] = [
      { type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 2, flags: 0, headers: { streamtype: 'error', port: '80', requestid: '0' } },
      { type: 'syn_reply', streamId: 1, flags: 0, headers: {} },
      { type: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.from('payload') },
      { type: 'rst_stream', streamId: 3, status: 5 },
      { type: 'settings', flags: 0, entries: [{ flags: 0, id: 7, value: 65536 }] },
      { type: 'ping', id: 1 },
      { type: 'goaway', lastGoodStreamId: 3, status: 0 },
      { type: 'headers', streamId: 5, flags: 0, headers: { a: 'b\u0000c' } },
      { type: 'window_update', streamId: 5, delta: 1024 },
    ];
    const writer = new SpdyWriter();
    const bytes = Buffer.concat(frames.map((f) => writer.encode(f)));
    const reader = new SpdyReader();
    // Deliver the bytes in awkward pieces: frames need not align with messages.
    const decoded: SpdyFrame[] = [];
    for (let at = 0; at < bytes.length; at += 7) decoded.push(...(await reader.push(bytes.subarray(at, at + 7))));
    expect(decoded).toEqual(frames);
    reader.close();
  });

  it('reads header blocks compressed the way Go’s spdystream compresses them', async () => {
    const compress = goCompressor();
    const reader = new SpdyReader();
    const first = await reader.push(await synStream(compress, 1, { streamtype: 'error', port: '8080', requestid: '0' }));
    const second = await reader.push(await synStream(compress, 3, { streamtype: 'data', port: '8080', requestid: '0' }, FLAG_FIN));
    expect(first).toMatchObject([{ type: 'syn_stream', streamId: 1, headers: { streamtype: 'error', port: '8080', requestid: '0' } }]);
    expect(second).toMatchObject([{ type: 'syn_stream', streamId: 3, flags: FLAG_FIN, headers: { streamtype: 'data' } }]);
    reader.close();
  });

  it('refuses other versions, oversized frames and stream id zero', async () => {
    await expect(new SpdyReader().push(Buffer.from([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]))).rejects.toThrow('unsupported SPDY version 2');
    await expect(new SpdyReader().push(Buffer.from([0x80, 0x03, 0x00, 0x06, 0, 0x7f, 0, 0]))).rejects.toThrow(/larger than/);
    await expect(new SpdyReader().push(Buffer.from([0x80, 0x03, 0x00, 0x03, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]))).rejects.toThrow('stream id zero is disallowed');
  });
});

/** A stand-in for a pod's port: echoes what it gets, upper-cased, and ends when its client does. */
async function upperServer(): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('data', (chunk) => socket.write(chunk.toString('latin1').toUpperCase()));
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.end(text));
    let got = '';
    socket.on('data', (chunk) => (got += chunk));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('port-forward against a real kubectl and a WebSocket client', () => {
  let pod: Server;
  let refusedPort: number;
  let api: HttpServer;
  let apiPort: number;
  let dir: string;
  const sessions: { openForwards: number }[] = [];

  beforeAll(async () => {
    pod = await upperServer();
    refusedPort = await closedPort();
    const podPort = (pod.address() as AddressInfo).port;
    // The pod listens on 80; 81 has nothing behind it.
    const reach: PortConnector = (port) =>
      new Promise((resolve, reject) => {
        const socket = connect(port === 80 ? podPort : refusedPort, '127.0.0.1');
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    dir = mkdtempSync('/var/tmp/emu-test-port-forward-');
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered].find((p) => p === V4_CHANNEL) ?? false });
    answerSpdyTunnels(wss);
    const json = (res: import('node:http').ServerResponse, body: unknown) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    // Just enough API for `kubectl port-forward pod/web-0`: version, legacy discovery, the pod.
    api = createHttpServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/version') return json(res, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
      if (path === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${apiPort}` }] });
      if (path === '/apis') return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
      if (path === '/api/v1')
        return json(res, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
            { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
          ],
        });
      if (path === '/api/v1/namespaces/default/pods/web-0')
        return json(res, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-0', namespace: 'default', uid: 'u-1' },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
          status: { phase: 'Running' },
        });
      res.statusCode = 404;
      json(res, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
    });
    api.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/api/v1/namespaces/default/pods/web-0/portforward')) return socket.destroy();
      const spdy = takeSpdyTunnelOffer(req);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (spdy) {
          const session = new SpdyPortForwardSession(ws, reach, { podDescription: 'web-0_default, uid u-1' });
          sessions.push(session);
          ws.on('message', (data: Buffer) => session.receive(data));
          ws.on('close', () => session.close());
        } else {
          const ports = new URL(req.url!, 'http://x').searchParams.getAll('ports').map(Number);
          const session = new WebSocketPortForwardSession(ws, ws.protocol, ports, reach, { podDescription: 'web-0_default' });
          ws.on('message', (data: Buffer, isBinary: boolean) => session.receive(data, isBinary));
          ws.on('close', () => session.close());
          session.start();
        }
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiPort = (api.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    api.closeAllConnections();
    await new Promise<void>((resolve) => pod.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function kubectlPortForward(remote: number): Promise<{ local: number; process: ResultPromise; stderrMatching: (pattern: RegExp) => Promise<string> }> {
    const process = execa('kubectl', ['port-forward', '--address', '127.0.0.1', 'pod/web-0', `:${remote}`], {
      env: kubectlEnv(dir, `http://127.0.0.1:${apiPort}`),
      reject: false,
      stdin: 'ignore',
    });
    let stdout = '';
    let stderr = '';
    process.stderr?.on('data', (chunk) => (stderr += chunk));
    const stderrMatching = (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          process.stderr?.off('data', check);
          resolve(stderr);
        };
        process.stderr?.on('data', check);
        check();
      });
    const local = await new Promise<number>((resolve, reject) => {
      process.stdout?.on('data', (chunk) => {
        stdout += chunk;
        const match = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
      process.then((result) => reject(new Error(`kubectl port-forward ended early: ${result.stderr || result.stdout}`)));
    });
    return { local, process, stderrMatching };
  }

  it('carries kubectl port-forward connections to the pod’s port and back, one after another', async () => {
    const { local, process } = await kubectlPortForward(80);
    try {
      expect(await exchange(local, 'hello from the host')).toBe('HELLO FROM THE HOST');
      expect(await exchange(local, 'x'.repeat(200_000))).toBe('X'.repeat(200_000));
      const [a, b] = await Promise.all([exchange(local, 'one'), exchange(local, 'two')]);
      expect([a, b]).toEqual(['ONE', 'TWO']);
      expect(sessions.at(-1)?.openForwards).toBe(0);
    } finally {
      process.kill();
      await process;
    }
  });

  it('shows kubectl the reason when the pod’s port refuses', async () => {
    const { local, process, stderrMatching } = await kubectlPortForward(81);
    try {
      const said = stderrMatching(/error forwarding port 81/);
      await exchange(local, 'anyone?').catch(() => '');
      expect(await said).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod web-0_default, uid u-1: connect ECONNREFUSED/);
    } finally {
      process.kill();
      await process;
    }
  });

  it('serves the WebSocket channel protocol of @kubernetes/client-node', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/api/v1/namespaces/default/pods/web-0/portforward?ports=80`, [V4_CHANNEL]);
    const messages: Buffer[] = [];
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    const answered = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        messages.push(data);
        if (messages.length === 3) resolve();
      }),
    );
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc')]));
    await answered;
    // Port 80 as two little-endian bytes opens the data and the error channel, then the pod's answer.
    expect(messages).toEqual([Buffer.from([0, 80, 0]), Buffer.from([1, 80, 0]), Buffer.from([0, 0x41, 0x42, 0x43])]);
    ws.close();
    await closed;
  });
});
