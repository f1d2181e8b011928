import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { WebSocketServer } from 'ws';
import { RemoteCommandSession } from '../../src/api/remote-command.ts';
import { REMOTE_COMMAND_PROTOCOLS, execFailure, negotiateProtocol } from '../../src/api/streams.ts';
import { kubectlEnv } from '../helpers/kubectl.ts';

/**
 * The real `kubectl exec` (WebSocket, v5.channel.k8s.io) against a stand-in API
 * server whose exec runs the command on this machine through a RemoteCommandSession.
 */
describe('kubectl exec through the channel protocol', () => {
  let server: Server;
  let dir: string;
  let env: Record<string, string>;
  const protocols: string[] = [];

  const json = (res: ServerResponse, body: unknown, code = 200) => {
    res.statusCode = code;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/emu-test-exec-');
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => negotiateProtocol([...offered], REMOTE_COMMAND_PROTOCOLS) ?? false });
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/version') return json(res, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
      if (path === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'] });
      if (path === '/apis') return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
      if (path === '/api/v1') return json(res, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get'] }] });
      if (path === '/api/v1/namespaces/default/pods/web-0')
        return json(res, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] }, status: { phase: 'Running' } });
      json(res, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 }, 404);
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/v1/namespaces/default/pods/web-0/exec') return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        protocols.push(ws.protocol);
        const session = new RemoteCommandSession(ws, ws.protocol);
        ws.on('message', (data: Buffer, isBinary: boolean) => session.receive(data, isBinary));
        ws.on('close', () => session.close());
        const [command, ...args] = url.searchParams.getAll('command');
        const wantsStdin = url.searchParams.get('stdin') === 'true';
        const child = execa(command, args, { stdin: wantsStdin ? 'pipe' : 'ignore', buffer: false, reject: false });
        if (wantsStdin) session.stdin.pipe(child.stdin!);
        child.stdout!.pipe(session.stdout, { end: false });
        child.stderr!.pipe(session.stderr, { end: false });
        void child.then((result) => session.finish(result.exitCode ?? execFailure(`exec: ${JSON.stringify(command)}: executable file not found in $PATH`)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    env = kubectlEnv(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[], input?: string) => execa('kubectl', args, { env, reject: false, timeout: 60_000, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });

  it('passes output and the exit code through', async () => {
    const result = await kubectl(['exec', 'web-0', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect([result.stdout, result.stderr, result.exitCode]).toEqual(['out', 'err\ncommand terminated with exit code 7', 7]);
    expect(protocols.at(-1)).toBe('v5.channel.k8s.io');
    expect((await kubectl(['exec', 'web-0', '--', 'true'])).exitCode).toBe(0);
  });

  it('carries stdin to the command and ends it when kubectl closes stdin', async () => {
    const result = await kubectl(['exec', '-i', 'web-0', '--', 'tr', 'a-z', 'A-Z'], 'hello from stdin\n');
    expect([result.stdout, result.exitCode]).toEqual(['HELLO FROM STDIN', 0]);
  });

  it('reports a command that cannot run', async () => {
    const result = await kubectl(['exec', 'web-0', '--', 'no-such-command-here']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('exec: "no-such-command-here": executable file not found in $PATH');
  });
});
