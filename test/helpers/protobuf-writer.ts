/**
 * Builds protobuf bytes by hand for tests of the decoder: fields in any order,
 * wrong wire types, unknown numbers, whatever a test needs to send.
 */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  /** A varint field (int32, int64, bool); negative numbers take ten bytes, as in Go. */
  varint(field: number, value: number | bigint | boolean): this {
    this.tag(field, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(typeof value === 'boolean' ? Number(value) : value)));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, Buffer.from(value, 'utf8'));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(value.length));
    return this.raw(value);
  }

  message(field: number, build: (inner: ProtoWriter) => unknown): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  /** A map<string, string> entry. */
  entry(field: number, key: string, value: string): this {
    return this.message(field, (e) => e.string(1, key).string(2, value));
  }

  tag(field: number, wireType: number): this {
    this.rawVarint(BigInt(field * 8 + wireType));
    return this;
  }

  raw(bytes: Iterable<number>): this {
    for (const byte of bytes) this.bytes.push(byte);
    return this;
  }

  rawVarint(value: bigint): this {
    let rest = value;
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      this.bytes.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    return this;
  }

  finish(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** A Kubernetes protobuf body: `k8s\0` and a runtime.Unknown around the object's message. */
export function kubernetesBody(apiVersion: string, kind: string, object: (w: ProtoWriter) => unknown, envelope: (w: ProtoWriter) => unknown = () => undefined): Buffer {
  const raw = new ProtoWriter();
  object(raw);
  const unknown = new ProtoWriter()
    .message(1, (t) => t.string(1, apiVersion).string(2, kind))
    .bytesField(2, raw.finish());
  envelope(unknown);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.finish()]);
}
