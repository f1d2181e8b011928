import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { Status } from 'kubernetes-types/meta/v1.d.ts';
import type { MessageTunnel } from './port-forward.ts';
import { decodeChannel, decodeResize, encodeChannel, exitStatus, RESIZE, statusPayload, STDERR, STDIN, STDOUT, V5_CHANNEL, type TerminalSize } from './streams.ts';

/**
 * The server side of one exec or attach over a WebSocket channel protocol:
 * `stdin` is what the client types (it ends when a v5 client closes channel 0,
 * or when the connection goes); writing to `stdout`/`stderr` sends channel 1/2
 * messages; `resize` events carry terminal sizes (channel 4); `finish` sends the
 * result on channel 3 — kubectl exits with the code in it — and closes the
 * connection normally. Wire `receive` to the WebSocket's messages and `close` to
 * its close event.
 */
export class RemoteCommandSession extends EventEmitter<{ resize: [TerminalSize] }> {
  readonly stdin = new PassThrough();
  readonly stdout: Writable;
  readonly stderr: Writable;
  private finished = false;

  constructor(
    private readonly tunnel: MessageTunnel,
    private readonly protocol: string,
  ) {
    super();
    this.stdout = this.channelWriter(STDOUT);
    this.stderr = this.channelWriter(STDERR);
  }

  private channelWriter(channel: number): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.finished) this.tunnel.send(encodeChannel(this.protocol, channel, chunk));
        done();
      },
    });
  }

  /** One message from the client. */
  receive(message: Buffer | string, isBinary = typeof message !== 'string'): void {
    const decoded = decodeChannel(this.protocol, message, isBinary);
    if (!decoded) return;
    if ('close' in decoded) {
      if (decoded.close === STDIN) this.stdin.end();
      return;
    }
    if (decoded.channel === STDIN && !this.stdin.writableEnded) this.stdin.write(decoded.data);
    if (decoded.channel === RESIZE) {
      const size = decodeResize(decoded.data);
      if (size) this.emit('resize', size);
    }
  }

  /** The command is over: its output is sent, then its exit code or failure, then the connection closes. */
  async finish(result: number | Status): Promise<void> {
    if (this.finished) return;
    await Promise.all([this.stdout, this.stderr].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
    this.finished = true;
    const status = typeof result === 'number' ? exitStatus(result) : result;
    const payload = statusPayload(this.protocol, status);
    if (payload) this.tunnel.send(encodeChannel(this.protocol, 3, payload));
    this.tunnel.close(1000, '');
    this.stdin.end();
  }

  /** The connection is gone (or the command is over): let go of stdin. */
  close(): void {
    this.finished = true;
    if (!this.stdin.writableEnded) this.stdin.end();
  }

  /** Whether the client can half-close stdin (v5): older clients keep it open until they go. */
  get canCloseStdin(): boolean {
    return this.protocol === V5_CHANNEL;
  }
}
