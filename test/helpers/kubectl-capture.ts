import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from '../../src/api/discovery.ts';
import { kubectlEnv } from './kubectl.ts';

/** One request body as the real kubectl sent it. */
export interface CapturedBody {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/**
 * A small listener that answers kubectl's discovery like emu's API server and
 * records every request body instead of acting on it (the write itself is
 * answered 400), so tests get the exact bytes kubectl puts on the wire.
 */
export class KubectlCapture {
  private server!: Server;
  private dir!: string;
  private env!: Record<string, string>;
  private captured: CapturedBody[] = [];

  async start(): Promise<void> {
    this.dir = mkdtempSync('/var/tmp/emu-test-kubectl-capture-');
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req.method ?? 'GET', req.url ?? '/', req.headers['content-type'] ?? '', Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.env = kubectlEnv(this.dir, `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The bodies one kubectl command sends (in order). */
  async capture(args: string[]): Promise<CapturedBody[]> {
    this.captured = [];
    await this.kubectl(args);
    return this.captured;
  }

  /** Runs kubectl against the listener; for `--dry-run=client -o json` this is what it would have sent as JSON. */
  async kubectl(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const result = await execa('kubectl', args, { env: this.env, extendEnv: false, reject: false, timeout: 60_000, stdin: 'ignore', cwd: this.dir });
    return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  /** A directory of the listener's own for files kubectl reads (certificates for `create secret tls`). */
  get workDir(): string {
    return this.dir;
  }

  private answer(method: string, url: string, contentType: string, body: Buffer, res: ServerResponse): void {
    const path = url.split('?')[0];
    const json = (code: number, answer: unknown) => {
      res.statusCode = code;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(answer));
    };
    if (method !== 'GET') {
      this.captured.push({ method, path, contentType, body });
      return json(400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', message: 'captured', code: 400 });
    }
    if (path === '/version') return json(200, SERVER_VERSION);
    if (path === '/api') return json(200, apiVersions());
    if (path === '/apis') return json(200, apiGroupList());
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m) return json(200, m[1] ? apiResourceList('', m[1]) : apiResourceList(m[2], m[3]));
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: `${path} not found`, code: 404 });
  }
}
