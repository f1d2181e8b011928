/**
 * The protobuf wire format, read-only: tags, varints and length-delimited runs
 * (https://protobuf.dev/programming-guides/encoding/). Kubernetes' messages use
 * no fixed-width fields, so the fixed32/fixed64 wire types are recognised in a
 * tag (and reported as the wrong type) but never read. Knows nothing of
 * messages; malformed input raises a WireError naming the byte offset.
 */

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** Names of the wire types, by number, for messages. */
export const WIRE_TYPE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

export class WireError extends Error {
  constructor(
    message: string,
    /** Offset of the problem from the start of the outermost input. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface Tag {
  field: number;
  wireType: number;
  /** Where the tag starts (absolute offset). */
  offset: number;
}

const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one message's bytes front to back. Nested messages get their own reader over a slice. */
export class WireReader {
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** Absolute offset of `bytes[0]`, for error messages. */
    private readonly base = 0,
  ) {}

  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  /** The absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.position;
  }

  tag(): Tag {
    const offset = this.offset;
    const key = this.varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field < 1 || field > MAX_FIELD_NUMBER) throw new WireError(`invalid field number ${field}`, offset);
    if (wireType > WireType.Fixed32) throw new WireError(`invalid wire type ${wireType}`, offset);
    return { field, wireType, offset };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    const offset = this.offset;
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return BigInt.asUintN(64, value);
    }
    throw new WireError('varint longer than 10 bytes', offset);
  }

  /** A length-delimited run: its bytes and the absolute offset they start at. */
  delimited(): { bytes: Uint8Array; offset: number } {
    const at = this.offset;
    const length = this.varint();
    if (length > BigInt(this.bytes.length - this.position)) {
      throw new WireError(`length ${length} runs past the end of the data`, at);
    }
    const offset = this.offset;
    return { bytes: this.take(Number(length)), offset };
  }

  /** A length-delimited run read as a nested message. */
  message(): WireReader {
    const { bytes, offset } = this.delimited();
    return new WireReader(bytes, offset);
  }

  string(): string {
    const { bytes, offset } = this.delimited();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new WireError('string is not valid UTF-8', offset);
    }
  }

  private byte(): number {
    if (this.position >= this.bytes.length) throw new WireError('unexpected end of data', this.offset);
    return this.bytes[this.position++];
  }

  private take(length: number): Uint8Array {
    if (this.position + length > this.bytes.length) throw new WireError('unexpected end of data', this.offset);
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }
}
