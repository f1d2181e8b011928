import { createInflate, constants as zlibConstants, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.ts';

/**
 * SPDY/3.1 framing, as kubectl's port-forward speaks it (moby/spdystream under
 * k8s.io/apimachinery/pkg/util/httpstream/spdy), tunnelled in WebSocket binary
 * messages. A frame is 8 header bytes then a payload:
 * - control frames: `1 | version(15) | type(16) | flags(8) | length(24)`;
 * - data frames: `0 | stream id(31) | flags(8) | length(24)`.
 * Header blocks (SYN_STREAM, SYN_REPLY, HEADERS) are name/value lists in one
 * zlib stream per direction, primed with the SPDY/3 dictionary. This side
 * writes its header blocks as stored (uncompressed) deflate blocks, each closed
 * by a sync-flush marker, in a valid zlib stream — any zlib reader takes them,
 * Go's included — and reads the peer's with a
 * persistent inflater, which is why decoding is asynchronous.
 */

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

/** Header names are lower case; several values of one name are joined with NUL. */
export type SpdyHeaders = Record<string, string>;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedTo: number; priority: number; flags: number; headers: SpdyHeaders }
  | { type: 'syn_reply'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'window_update'; streamId: number; delta: number };

/** A malformed frame or stream: the session answers it with GOAWAY (or RST_STREAM for one stream). */
export class SpdyProtocolError extends Error {
  constructor(
    message: string,
    readonly streamId = 0,
  ) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

/** The biggest frame this side accepts; kubectl's frames are far smaller. */
export const MAX_FRAME_LENGTH = 1 << 20;
const STREAM_ID_MASK = 0x7fffffff;

// ---- header blocks ----

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const [n, v] = [Buffer.from(name.toLowerCase()), Buffer.from(value)];
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const length = block.readUInt32BE(at);
    at += 4;
    if (at + length > block.length) throw new SpdyProtocolError('truncated header block');
    const bytes = block.subarray(at, at + length);
    at += length;
    return bytes;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('latin1');
    const value = take().toString('utf8');
    if (name !== name.toLowerCase()) throw new SpdyProtocolError('header was not lowercased');
    if (Object.hasOwn(headers, name)) throw new SpdyProtocolError('multiple headers with same name');
    headers[name] = value;
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** Our side of header compression: a zlib stream of stored blocks, one per header block. */
export class HeaderDeflater {
  private started = false;

  deflate(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32K window, no preset dictionary
      this.started = true;
    }
    const pieces = block.length === 0 ? [block] : Array.from({ length: Math.ceil(block.length / 0xffff) }, (_, i) => block.subarray(i * 0xffff, (i + 1) * 0xffff));
    for (const piece of pieces) {
      const header = Buffer.alloc(5);
      header[0] = 0x00; // BFINAL=0, BTYPE=00 (stored); the stream stays open
      header.writeUInt16LE(piece.length, 1);
      header.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(header, piece);
    }
    // An empty stored block is the sync-flush marker: a reader hands out what it
    // holds only when it reaches one (Go's flate does), so each block ends with it.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** The peer's side: one inflater for the whole session, as SPDY requires. */
export class HeaderInflater {
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  private chunks: Buffer[] = [];
  private failure: Error | undefined;

  constructor() {
    this.inflate.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.inflate.on('error', (error) => (this.failure = error));
  }

  inflateBlock(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
      this.inflate.write(block);
      this.inflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.inflate.close();
  }
}

// ---- frames ----

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Encodes frames; keeps the compression state of this side's header blocks. */
export class SpdyWriter {
  private readonly deflater = new HeaderDeflater();

  encode(frame: SpdyFrame): Buffer {
    switch (frame.type) {
      case 'data': {
        if (frame.data.length > 0xffffff) throw new SpdyProtocolError('data frame too large');
        const header = Buffer.alloc(8);
        header.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
        header.writeUInt32BE(((frame.flags & 0xff) << 24) | frame.data.length, 4);
        return Buffer.concat([header, frame.data]);
      }
      case 'syn_stream': {
        const fixed = Buffer.alloc(10);
        fixed.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
        fixed.writeUInt32BE(frame.associatedTo & STREAM_ID_MASK, 4);
        fixed[8] = (frame.priority & 0x7) << 5;
        return controlFrame(FrameType.SYN_STREAM, frame.flags, Buffer.concat([fixed, this.deflater.deflate(encodeHeaderBlock(frame.headers))]));
      }
      case 'syn_reply':
      case 'headers': {
        const type = frame.type === 'syn_reply' ? FrameType.SYN_REPLY : FrameType.HEADERS;
        return controlFrame(type, frame.flags, Buffer.concat([u32(frame.streamId & STREAM_ID_MASK), this.deflater.deflate(encodeHeaderBlock(frame.headers))]));
      }
      case 'rst_stream':
        return controlFrame(FrameType.RST_STREAM, 0, Buffer.concat([u32(frame.streamId & STREAM_ID_MASK), u32(frame.status)]));
      case 'settings': {
        const entries = frame.entries.map((e) => Buffer.concat([u32(((e.flags & 0xff) << 24) | (e.id & 0xffffff)), u32(e.value)]));
        return controlFrame(FrameType.SETTINGS, frame.flags, Buffer.concat([u32(frame.entries.length), ...entries]));
      }
      case 'ping':
        return controlFrame(FrameType.PING, 0, u32(frame.id));
      case 'goaway':
        return controlFrame(FrameType.GOAWAY, 0, Buffer.concat([u32(frame.lastGoodStreamId & STREAM_ID_MASK), u32(frame.status)]));
      case 'window_update':
        return controlFrame(FrameType.WINDOW_UPDATE, 0, Buffer.concat([u32(frame.streamId & STREAM_ID_MASK), u32(frame.delta & STREAM_ID_MASK)]));
    }
  }
}

interface RawFrame {
  control: boolean;
  /** Control frames: their type; data frames: their stream id. */
  typeOrStream: number;
  version: number;
  flags: number;
  payload: Buffer;
}

/**
 * Decodes a byte stream (WebSocket messages need not align with frames) into
 * frames, in order. Frame types this side does not know are skipped, as SPDY
 * says; anything malformed throws SpdyProtocolError.
 */
export class SpdyReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly inflater = new HeaderInflater();

  /** Add bytes; returns the complete frames they finish. Call again only after the promise settles. */
  async push(chunk: Buffer): Promise<SpdyFrame[]> {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    for (let raw = this.split(); raw; raw = this.split()) {
      const frame = await this.decode(raw);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  close(): void {
    this.inflater.close();
  }

  private split(): RawFrame | undefined {
    if (this.pending.length < 8) return undefined;
    const word = this.pending.readUInt32BE(0);
    const control = (word & 0x80000000) !== 0;
    const flags = this.pending[4];
    const length = this.pending.readUInt32BE(4) & 0xffffff;
    if (length > MAX_FRAME_LENGTH) throw new SpdyProtocolError(`frame of ${length} bytes is larger than ${MAX_FRAME_LENGTH}`);
    if (this.pending.length < 8 + length) return undefined;
    const payload = this.pending.subarray(8, 8 + length);
    this.pending = this.pending.subarray(8 + length);
    return control
      ? { control, version: (word >>> 16) & 0x7fff, typeOrStream: word & 0xffff, flags, payload }
      : { control, version: SPDY_VERSION, typeOrStream: word & STREAM_ID_MASK, flags, payload };
  }

  private async decode(raw: RawFrame): Promise<SpdyFrame | undefined> {
    const p = raw.payload;
    if (!raw.control) return { type: 'data', streamId: raw.typeOrStream, flags: raw.flags, data: Buffer.from(p) };
    if (raw.version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${raw.version}`);
    const need = (n: number) => {
      if (p.length < n) throw new SpdyProtocolError(`control frame of type ${raw.typeOrStream} is too short`);
    };
    const streamAt = (offset: number) => {
      const id = p.readUInt32BE(offset) & STREAM_ID_MASK;
      if (id === 0) throw new SpdyProtocolError('stream id zero is disallowed');
      return id;
    };
    switch (raw.typeOrStream) {
      case FrameType.SYN_STREAM:
        need(10);
        return {
          type: 'syn_stream',
          streamId: streamAt(0),
          associatedTo: p.readUInt32BE(4) & STREAM_ID_MASK,
          priority: p[8] >> 5,
          flags: raw.flags,
          headers: decodeHeaderBlock(await this.inflater.inflateBlock(p.subarray(10))),
        };
      case FrameType.SYN_REPLY:
      case FrameType.HEADERS: {
        need(4);
        const headers = decodeHeaderBlock(await this.inflater.inflateBlock(p.subarray(4)));
        const type = raw.typeOrStream === FrameType.SYN_REPLY ? ('syn_reply' as const) : ('headers' as const);
        return { type, streamId: streamAt(0), flags: raw.flags, headers };
      }
      case FrameType.RST_STREAM:
        need(8);
        return { type: 'rst_stream', streamId: streamAt(0), status: p.readUInt32BE(4) };
      case FrameType.SETTINGS: {
        need(4);
        const count = p.readUInt32BE(0);
        need(4 + count * 8);
        const entries = Array.from({ length: count }, (_, i) => {
          const word = p.readUInt32BE(4 + i * 8);
          return { flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + i * 8) };
        });
        return { type: 'settings', flags: raw.flags, entries };
      }
      case FrameType.PING:
        need(4);
        return { type: 'ping', id: p.readUInt32BE(0) };
      case FrameType.GOAWAY:
        need(8);
        return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.readUInt32BE(4) };
      case FrameType.WINDOW_UPDATE:
        need(8);
        return { type: 'window_update', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, delta: p.readUInt32BE(4) & STREAM_ID_MASK };
      default:
        return undefined;
    }
  }
}
