import type { Status } from 'kubernetes-types/meta/v1.d.ts';

/**
 * The WebSocket channel protocols of exec, attach and port-forward, as the
 * kubelet and API server speak them (k8s.io/apimachinery/pkg/util/httpstream/wsstream,
 * k8s.io/client-go/tools/remotecommand):
 * - `channel.k8s.io` … `v5.channel.k8s.io`: binary messages whose first byte is
 *   the channel — 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize;
 *   v4 and later carry a meta/v1 Status on channel 3 (exit codes); v5 adds a
 *   close message `[255, channel]` for half-closing one channel;
 * - `base64.channel.k8s.io`: text messages, the channel as an ASCII digit and
 *   the payload in base64;
 * - port-forward over WebSocket (`v4.channel.k8s.io`, as @kubernetes/client-node
 *   uses it): two channels per requested port (data 2i, error 2i+1), each
 *   starting with the port as two little-endian bytes.
 * SPDY (kubectl port-forward) lives in spdy.ts and port-forward.ts.
 */

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: the first byte of a close message; the second names the channel. */
export const CLOSE = 255;

export const V5_CHANNEL = 'v5.channel.k8s.io';
export const V4_CHANNEL = 'v4.channel.k8s.io';
export const V3_CHANNEL = 'v3.channel.k8s.io';
export const V2_CHANNEL = 'v2.channel.k8s.io';
export const V1_CHANNEL = 'channel.k8s.io';
export const BASE64_CHANNEL = 'base64.channel.k8s.io';
export const SPDY_PORT_FORWARD = 'SPDY/3.1+portforward.k8s.io';
export const PORT_FORWARD_V1 = 'portforward.k8s.io';

/** What exec and attach serve; port-forward over WebSocket takes the v4 binary and base64 forms. */
export const REMOTE_COMMAND_PROTOCOLS = [V5_CHANNEL, V4_CHANNEL, V3_CHANNEL, V2_CHANNEL, V1_CHANNEL, BASE64_CHANNEL];
export const PORT_FORWARD_PROTOCOLS = [V4_CHANNEL, PORT_FORWARD_V1, `v4.${BASE64_CHANNEL}`, BASE64_CHANNEL];

/** The protocol for a handshake: the first the client offers that the server speaks (as wsstream picks). */
export function negotiateProtocol(offered: string | string[] | undefined, supported: readonly string[]): string | undefined {
  const list = (Array.isArray(offered) ? offered : (offered ?? '').split(',')).map((p) => p.trim()).filter(Boolean);
  return list.find((p) => supported.includes(p));
}

export function isBase64Protocol(protocol: string): boolean {
  return protocol.endsWith(BASE64_CHANNEL);
}

/** Whether channel 3 carries a Status (v4 and later) rather than plain error text. */
export function hasStatusChannel(protocol: string): boolean {
  return protocol === V4_CHANNEL || protocol === V5_CHANNEL;
}

export type ChannelMessage = { channel: number; data: Buffer } | { close: number };

/** One message for a channel, binary or base64 as the protocol wants. */
export function encodeChannel(protocol: string, channel: number, data: Buffer | string): Buffer | string {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  if (isBase64Protocol(protocol)) return String.fromCharCode(48 + channel) + payload.toString('base64');
  return Buffer.concat([Buffer.from([channel]), payload]);
}

/** v5's half-close of one channel. */
export function encodeClose(channel: number): Buffer {
  return Buffer.from([CLOSE, channel]);
}

/** Read one message; undefined for an empty or unreadable one (ignore it, as the kubelet does). */
export function decodeChannel(protocol: string, message: Buffer | string, isBinary = typeof message !== 'string'): ChannelMessage | undefined {
  if (isBase64Protocol(protocol) || !isBinary) {
    const text = typeof message === 'string' ? message : message.toString('latin1');
    if (text.length === 0) return undefined;
    const channel = text.charCodeAt(0) - 48;
    if (channel < 0 || channel > 9) return undefined;
    return { channel, data: Buffer.from(text.slice(1), 'base64') };
  }
  const bytes = typeof message === 'string' ? Buffer.from(message) : message;
  if (bytes.length === 0) return undefined;
  if (bytes[0] === CLOSE && protocol === V5_CHANNEL) return bytes.length >= 2 ? { close: bytes[1] } : undefined;
  return { channel: bytes[0], data: bytes.subarray(1) };
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** Channel 4's `{"Width":80,"Height":24}`; undefined for anything else. */
export function decodeResize(data: Buffer): TerminalSize | undefined {
  try {
    const size = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffff;
    return ok(size.Width) && ok(size.Height) ? { width: size.Width, height: size.Height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Status the kubelet writes on channel 3 when a command ends: Success, or
 * NonZeroExitCode with an ExitCode cause — kubectl exits with that code.
 */
export function exitStatus(code: number): Status {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** The Status for a command that could not run at all (kubectl prints the message, exits 1). */
export function execFailure(message: string): Status {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** What to put on channel 3 for a result: the Status (v4, v5), or error text for older protocols (nothing on success). */
export function statusPayload(protocol: string, status: Status): Buffer | undefined {
  if (hasStatusChannel(protocol)) return Buffer.from(JSON.stringify(status));
  return status.status === 'Success' ? undefined : Buffer.from(status.message ?? 'error');
}

/** The exit code a client reads from a channel 3 payload (what kubectl and client-node do). */
export function exitCodeOf(payload: Buffer): number {
  let status: Status;
  try {
    status = JSON.parse(payload.toString('utf8')) as Status;
  } catch {
    return 1;
  }
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return status.reason === 'NonZeroExitCode' && Number.isInteger(code) ? code : 1;
}

// ---- port-forward over WebSocket ----

export interface PortChannels {
  port: number;
  data: number;
  error: number;
}

/** `?ports=80&ports=443` → data/error channel pairs 0/1, 2/3, … */
export function portForwardChannels(ports: readonly number[]): PortChannels[] {
  return ports.map((port, i) => ({ port, data: 2 * i, error: 2 * i + 1 }));
}

/** The first message of each port-forward channel: the port, little-endian. */
export function portPrefix(protocol: string, channel: number, port: number): Buffer | string {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(port, 0);
  return encodeChannel(protocol, channel, bytes);
}

/** Parse `?ports=` values: each a port number 1–65535. */
export function parsePorts(values: readonly string[]): number[] | string {
  if (values.length === 0) return 'at least one port must be specified';
  const ports: number[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65535) return `unable to parse "${value}" as a port: must be 1-65535`;
    ports.push(port);
  }
  return ports;
}
