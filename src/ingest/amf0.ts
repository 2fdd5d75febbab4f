/**
 * A bounded AMF0 reader and a small writer, for the RTMP guard. node-media-server's own decoder
 * trusts lengths and nesting (a truncated object, a long string announcing 4 GB or an object
 * nested 50,000 deep throws or overflows the stack), so the guard decodes every command itself
 * with this reader and hands node-media-server only what this writer re-encodes.
 */

export type AmfValue = number | boolean | string | null | undefined | AmfObject | AmfValue[];
export interface AmfObject {
  [key: string]: AmfValue;
}

export class AmfError extends Error {
  override name = 'AmfError';
}

/** Deeper than any real RTMP command or metadata (they nest two or three levels). */
const MAX_DEPTH = 16;
/** Properties or elements per object/array: real ones hold a few dozen. */
const MAX_ENTRIES = 1024;

const T = {
  number: 0x00,
  boolean: 0x01,
  string: 0x02,
  object: 0x03,
  null: 0x05,
  undefined: 0x06,
  ecmaArray: 0x08,
  objectEnd: 0x09,
  strictArray: 0x0a,
  date: 0x0b,
  longString: 0x0c,
} as const;

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) throw new AmfError('truncated AMF0 value');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }
  utf8(length: number): string {
    this.need(length);
    const v = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
}

function readProperties(r: Reader, depth: number, into: AmfObject): void {
  for (let count = 0; ; count++) {
    if (count > MAX_ENTRIES) throw new AmfError('AMF0 object too large');
    const key = r.utf8(r.u16());
    if (key === '') {
      if (r.u8() !== T.objectEnd) throw new AmfError('AMF0 empty key without object end');
      return;
    }
    // a key named __proto__ must not reach the prototype of the result
    Object.defineProperty(into, key, { value: readValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
  }
}

function readValue(r: Reader, depth: number): AmfValue {
  if (depth > MAX_DEPTH) throw new AmfError('AMF0 nested too deep');
  const type = r.u8();
  switch (type) {
    case T.number:
      return r.f64();
    case T.boolean:
      return r.u8() !== 0;
    case T.string:
      return r.utf8(r.u16());
    case T.longString:
      return r.utf8(r.u32());
    case T.null:
      return null;
    case T.undefined:
      return undefined;
    case T.date: {
      const ms = r.f64();
      r.u16(); // time zone, unused by the format's own spec
      return ms;
    }
    case T.object: {
      const obj: AmfObject = {};
      readProperties(r, depth, obj);
      return obj;
    }
    case T.ecmaArray: {
      r.u32(); // the announced count is a hint; the object end marker ends it
      const obj: AmfObject = {};
      readProperties(r, depth, obj);
      return obj;
    }
    case T.strictArray: {
      const count = r.u32();
      if (count > MAX_ENTRIES) throw new AmfError('AMF0 array too large');
      const out: AmfValue[] = [];
      for (let i = 0; i < count; i++) out.push(readValue(r, depth + 1));
      return out;
    }
    default:
      // references, typed objects, XML, AMF3 switch, movie clips: no RTMP client needs them here
      throw new AmfError(`unsupported AMF0 type 0x${type.toString(16)}`);
  }
}

/** Every value in buf, in order; throws AmfError on anything truncated, too deep or unknown. */
export function decodeAmf0(buf: Buffer): AmfValue[] {
  const r = new Reader(buf);
  const values: AmfValue[] = [];
  while (r.offset < buf.length) {
    if (values.length > MAX_ENTRIES) throw new AmfError('too many AMF0 values');
    values.push(readValue(r, 0));
  }
  return values;
}

function writeString(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  if (body.length > 0xffff) {
    const head = Buffer.alloc(5);
    head[0] = T.longString;
    head.writeUInt32BE(body.length, 1);
    return Buffer.concat([head, body]);
  }
  const head = Buffer.alloc(3);
  head[0] = T.string;
  head.writeUInt16BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function writeKey(key: string): Buffer {
  const body = Buffer.from(key, 'utf8').subarray(0, 0xffff);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** The writer only ever sees values the guard built itself: flat objects of primitives. */
export function encodeAmf0(values: AmfValue[]): Buffer {
  const parts: Buffer[] = [];
  const put = (v: AmfValue, depth: number): void => {
    if (depth > MAX_DEPTH) throw new AmfError('AMF0 nested too deep');
    if (typeof v === 'number') {
      const b = Buffer.alloc(9);
      b[0] = T.number;
      b.writeDoubleBE(v, 1);
      parts.push(b);
    } else if (typeof v === 'boolean') parts.push(Buffer.from([T.boolean, v ? 1 : 0]));
    else if (typeof v === 'string') parts.push(writeString(v));
    else if (v === null) parts.push(Buffer.from([T.null]));
    else if (v === undefined) parts.push(Buffer.from([T.undefined]));
    else if (Array.isArray(v)) {
      const head = Buffer.alloc(5);
      head[0] = T.strictArray;
      head.writeUInt32BE(v.length, 1);
      parts.push(head);
      for (const e of v) put(e, depth + 1);
    } else {
      parts.push(Buffer.from([T.object]));
      for (const [k, e] of Object.entries(v)) {
        if (k === '') continue;
        parts.push(writeKey(k));
        put(e, depth + 1);
      }
      parts.push(Buffer.from([0, 0, T.objectEnd]));
    }
  };
  for (const v of values) put(v, 0);
  return Buffer.concat(parts);
}

/** An ECMA array (what onMetaData carries), from a flat object of primitives. */
export function encodeAmf0EcmaArray(obj: Record<string, number | boolean | string>): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(5);
  head[0] = T.ecmaArray;
  const entries = Object.entries(obj).filter(([k]) => k !== '');
  head.writeUInt32BE(entries.length, 1);
  parts.push(head);
  for (const [k, v] of entries) {
    parts.push(writeKey(k), encodeAmf0([v]));
  }
  parts.push(Buffer.from([0, 0, T.objectEnd]));
  return Buffer.concat(parts);
}

export function isAmfObject(v: AmfValue): v is AmfObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
