/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`)
 * turned into the JSON object the client would have sent as JSON, so that the
 * rest of the API server only ever sees JSON. The body is the magic `k8s\0`
 * and a runtime.Unknown envelope: typeMeta {apiVersion, kind}, raw (the object's
 * own message), contentEncoding and contentType. The object is read with the
 * message table of protobuf-messages.ts; anything malformed or unknown is a 400
 * that says where (the JSON path and the byte offset), never a crash.
 */
import { isObject, type JsonObject } from './json-value.ts';
import { GROUP_INDEPENDENT_KINDS, KINDS, MESSAGES, type MessageSpec } from './protobuf-messages.ts';
import { WIRE_TYPE_NAMES, WireError, WireReader, WireType, type Tag } from './protobuf-wire.ts';
import { ApiError, badRequest, goQuote, strictDecoding } from './status.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/** The JSON object a protobuf request body stands for. Throws ApiError 400 (or 415 for a kind emu cannot read). */
export function decodeProtobufBody(body: Uint8Array): JsonObject {
  if (body.length < MAGIC.length || MAGIC.some((byte, i) => body[i] !== byte)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  const envelope = readEnvelope(body);
  const { apiVersion, kind } = envelope;
  if (!kind) throw badRequest(`protobuf envelope: Object 'Kind' is missing`);
  const root = KINDS[`${apiVersion}/${kind}`] ?? GROUP_INDEPENDENT_KINDS[kind];
  if (!root) {
    const readable = [...Object.keys(KINDS).map((k) => k.split('/').pop()), ...Object.keys(GROUP_INDEPENDENT_KINDS)].join(', ');
    throw new ApiError(415, 'UnsupportedMediaType', `emu cannot read a protobuf ${kind} of ${apiVersion || 'no apiVersion'} (only ${readable}): send it as application/json`);
  }
  const version = apiVersion.split('/').pop()!;
  try {
    const object = decodeMessage(new WireReader(envelope.raw, envelope.rawOffset), SCHEMA.get(root)!, {}, '');
    return { apiVersion, kind, ...object };
  } catch (error) {
    if (error instanceof UnknownField) {
      throw strictDecoding(kind, version, [`${error.message}${error.path ? ` at ${goQuote(error.path)}` : ''}`]);
    }
    if (error instanceof DecodeError) {
      throw badRequest(`${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: protobuf: ${error.message} at byte ${error.offset}${error.path ? ` (${error.path})` : ''}`);
    }
    throw error;
  }
}

// ---- the envelope (runtime.Unknown) ----

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  rawOffset: number;
}

function readEnvelope(body: Uint8Array): Envelope {
  const envelope: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), rawOffset: body.length };
  let contentEncoding = '';
  let contentType = '';
  const reader = new WireReader(body.subarray(MAGIC.length), MAGIC.length);
  try {
    while (!reader.done) {
      const tag = reader.tag();
      if (tag.wireType !== WireType.LengthDelimited || tag.field > 4) throw new WireError(`unexpected field ${tag.field} (${WIRE_TYPE_NAMES[tag.wireType]}) in runtime.Unknown`, tag.offset);
      if (tag.field === 1) {
        const typeMeta = reader.message();
        while (!typeMeta.done) {
          const inner = typeMeta.tag();
          if (inner.wireType !== WireType.LengthDelimited || inner.field > 2) throw new WireError(`unexpected field ${inner.field} (${WIRE_TYPE_NAMES[inner.wireType]}) in its typeMeta`, inner.offset);
          if (inner.field === 1) envelope.apiVersion = typeMeta.string();
          else envelope.kind = typeMeta.string();
        }
      } else if (tag.field === 2) {
        const { bytes, offset } = reader.delimited();
        envelope.raw = bytes;
        envelope.rawOffset = offset;
      } else if (tag.field === 3) contentEncoding = reader.string();
      else contentType = reader.string();
    }
  } catch (error) {
    if (error instanceof WireError) throw badRequest(`protobuf envelope: ${error.message} at byte ${error.offset}`);
    throw error;
  }
  if (contentEncoding) throw new ApiError(415, 'UnsupportedMediaType', `protobuf envelope: content encoding ${goQuote(contentEncoding)} is not supported; send the object uncompressed`);
  if (contentType && !isProtobuf(contentType)) throw new ApiError(415, 'UnsupportedMediaType', `protobuf envelope: raw content of type ${goQuote(contentType)} is not supported; send it as the request body itself`);
  return envelope;
}

// ---- the message table, compiled ----

type Scalar = 'string' | 'bool' | 'int32' | 'int64' | 'bytes';
const SCALARS: readonly string[] = ['string', 'bool', 'int32', 'int64', 'bytes'] satisfies Scalar[];

interface Field {
  number: number;
  /** The JSON name; '' for an embedded message. */
  name: string;
  /** A scalar or a message name. */
  type: string;
  scalar: boolean;
  repeated: boolean;
  map: boolean;
  inline: boolean;
  keepZero: boolean;
}

interface Message {
  name: string;
  fields: Map<number, Field>;
}

const SPEC = /^(?:\.\.\.(\w+)|(\w+)(!?)(?: (\[\])?(?:map<(\w+)>|(\w+)))?)$/;

function compile(messages: Readonly<Record<string, MessageSpec>>): Map<string, Message> {
  const schema = new Map<string, Message>();
  for (const [name, spec] of Object.entries(messages)) {
    const fields = new Map<number, Field>();
    for (const [number, text] of Object.entries(spec)) {
      const m = SPEC.exec(text);
      if (!m) throw new Error(`protobuf-messages: ${name} field ${number}: cannot read ${goQuote(text)}`);
      const [, inlined, json, bang, brackets, mapValue, plain] = m;
      const type = inlined ?? mapValue ?? plain ?? 'string';
      fields.set(Number(number), {
        number: Number(number),
        name: json ?? '',
        type,
        scalar: SCALARS.includes(type),
        repeated: brackets !== undefined,
        map: mapValue !== undefined,
        inline: inlined !== undefined,
        keepZero: bang === '!',
      });
    }
    schema.set(name, { name, fields });
  }
  for (const message of schema.values()) {
    for (const field of message.fields.values()) {
      if (!field.scalar && !schema.has(field.type)) throw new Error(`protobuf-messages: ${message.name}.${field.name || '...'} refers to unknown message ${field.type}`);
      if (field.repeated && (field.inline || field.map)) throw new Error(`protobuf-messages: ${message.name} field ${field.number}: an embedded message or a map cannot repeat`);
    }
  }
  return schema;
}

const SCHEMA = compile(MESSAGES);

/** Message names the table holds (for tests of its integrity). */
export function messageNames(): string[] {
  return [...SCHEMA.keys()];
}

// ---- decoding ----

class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly path: string,
  ) {
    super(message);
  }
}

class UnknownField extends DecodeError {
  constructor(field: number, messageName: string, offset: number, path: string) {
    super(`unknown field number ${field} of ${messageName}`, offset, path);
  }
}

/** Reads one message into `target` (a message field that comes twice merges, as protobuf says). */
function decodeMessage(reader: WireReader, message: Message, target: JsonObject, path: string): JsonObject {
  while (!reader.done) {
    let fieldPath = path;
    try {
      const tag = reader.tag();
      const field = message.fields.get(tag.field);
      if (!field) throw new UnknownField(tag.field, message.name, tag.offset, path);
      if (!field.inline) fieldPath = join(path, field.name);
      decodeField(reader, tag, field, target, fieldPath);
    } catch (error) {
      if (error instanceof WireError) throw new DecodeError(error.message, error.offset, fieldPath);
      throw error;
    }
  }
  return target;
}

function decodeField(reader: WireReader, tag: Tag, field: Field, target: JsonObject, path: string): void {
  if (field.inline) {
    expectWireType(tag, WireType.LengthDelimited, field.name || field.type);
    decodeMessage(reader.message(), SCHEMA.get(field.type)!, target, path);
  } else if (field.map) {
    expectWireType(tag, WireType.LengthDelimited, field.name || field.type);
    const map = (isObject(target[field.name]) ? target[field.name] : (target[field.name] = {})) as JsonObject;
    const [key, value] = decodeEntry(reader.message(), field, path);
    map[key] = value;
  } else if (field.repeated) {
    const list = (Array.isArray(target[field.name]) ? target[field.name] : (target[field.name] = [])) as unknown[];
    if (tag.wireType === WireType.LengthDelimited && field.scalar && field.type !== 'string' && field.type !== 'bytes') {
      // A packed run of numbers.
      const packed = reader.message();
      while (!packed.done) list.push(readScalar(packed, field.type as Scalar));
    } else list.push(readValue(reader, tag, field, `${path}[${list.length}]`));
  } else if (field.scalar) {
    const value = readValue(reader, tag, field, path);
    if (field.keepZero || !isZero(value)) target[field.name] = value;
    else delete target[field.name];
  } else {
    expectWireType(tag, WireType.LengthDelimited, field.name || field.type);
    const existing = target[field.name];
    target[field.name] = decodeNested(reader.message(), field.type, isObject(existing) && !JSON_FORMS[field.type] ? existing : {}, path);
  }
}

function decodeNested(reader: WireReader, type: string, target: JsonObject, path: string): unknown {
  const decoded = decodeMessage(reader, SCHEMA.get(type)!, target, path);
  const form = JSON_FORMS[type];
  return form ? form(decoded, path, reader.offset) : decoded;
}

/** A map entry: key (1) and value (2). */
function decodeEntry(reader: WireReader, field: Field, path: string): [string, unknown] {
  let key = '';
  let value: unknown;
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.LengthDelimited, `${field.name} key`);
      key = reader.string();
    } else if (tag.field === 2) {
      value = readValue(reader, tag, field, `${path}[${goQuote(key)}]`, `${field.name} value`);
    } else throw new UnknownField(tag.field, `the ${field.name} map entry`, tag.offset, path);
  }
  return [key, value ?? zeroOf(field.type, `${path}[${goQuote(key)}]`)];
}

/** One value of the field's type (an element, for repeated fields and maps). */
function readValue(reader: WireReader, tag: Tag, field: Field, path: string, what = field.name || field.type): unknown {
  if (!field.scalar) {
    expectWireType(tag, WireType.LengthDelimited, what);
    return decodeNested(reader.message(), field.type, {}, path);
  }
  const type = field.type as Scalar;
  expectWireType(tag, type === 'string' || type === 'bytes' ? WireType.LengthDelimited : WireType.Varint, what);
  return readScalar(reader, type);
}

function readScalar(reader: WireReader, type: Scalar): unknown {
  switch (type) {
    case 'string':
      return reader.string();
    case 'bytes':
      return Buffer.from(reader.delimited().bytes).toString('base64');
    case 'bool':
      return reader.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'int64': {
      const offset = reader.offset;
      const value = BigInt.asIntN(64, reader.varint());
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new WireError(`integer ${value} is too large for JSON`, offset);
      return Number(value);
    }
  }
}

function zeroOf(type: string, path: string): unknown {
  if (type === 'string' || type === 'bytes') return '';
  if (type === 'bool') return false;
  if (type === 'int32' || type === 'int64') return 0;
  return decodeNested(new WireReader(new Uint8Array(0)), type, {}, path);
}

/** `what` names the field in the message: its JSON name, or `labels key` in a map entry. */
function expectWireType(tag: Tag, expected: number, what: string): void {
  if (tag.wireType !== expected) {
    throw new WireError(`wrong wire type ${WIRE_TYPE_NAMES[tag.wireType]} for field ${tag.field} (${what}), expected ${WIRE_TYPE_NAMES[expected]}`, tag.offset);
  }
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

// ---- JSON forms of apimachinery's well-known messages ----

type JsonForm = (message: JsonObject, path: string, offset: number) => unknown;

const JSON_FORMS: Readonly<Record<string, JsonForm>> = {
  /** metav1.Time: RFC 3339 in seconds, null for the zero time (Go's encoding/json). */
  Time: (m, path, offset) => {
    const seconds = (m.seconds as number | undefined) ?? 0;
    const nanos = (m.nanos as number | undefined) ?? 0;
    if (seconds === 0 && nanos === 0) return null;
    const date = new Date(seconds * 1000);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new DecodeError(`time ${seconds}s is out of range`, offset, path);
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
  /** resource.Quantity: its canonical string ("0" when empty). */
  Quantity: (m) => (m.string as string | undefined) || '0',
  /** intstr.IntOrString: type 1 is the string form. */
  IntOrString: (m) => (m.type === 1 ? ((m.strVal as string | undefined) ?? '') : ((m.intVal as number | undefined) ?? 0)),
  /** metav1.FieldsV1: its raw bytes are the JSON itself. */
  FieldsV1: (m, path, offset) => {
    const raw = Buffer.from((m.Raw as string | undefined) ?? '', 'base64').toString('utf8');
    try {
      return raw ? JSON.parse(raw) : null;
    } catch {
      throw new DecodeError('fieldsV1 is not valid JSON', offset, path);
    }
  },
};
