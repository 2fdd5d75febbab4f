import { connect, type Socket } from 'node:net';

/**
 * A raw RTMP client for tests: plain handshake (C0/C1/C2), a chunk writer that can also write
 * wrong chunks, and an AMF0 encoder. It keeps every byte the server sends (`received`) and knows
 * when the server closed the connection. Written independently of src/ingest so a bug there is
 * not mirrored here.
 */

export type Amf = number | boolean | string | null | undefined | Amf[] | { [key: string]: Amf };

/** AMF0: number, boolean, string, object, null, undefined, strict array. */
export function amf0(...values: Amf[]): Buffer {
  const out: Buffer[] = [];
  const put = (v: Amf): void => {
    if (typeof v === 'number') {
      const b = Buffer.alloc(9);
      b[0] = 0x00;
      b.writeDoubleBE(v, 1);
      out.push(b);
    } else if (typeof v === 'boolean') out.push(Buffer.from([0x01, v ? 1 : 0]));
    else if (typeof v === 'string') out.push(Buffer.from([0x02, v.length >> 8, v.length & 0xff]), Buffer.from(v, 'latin1'));
    else if (v === null) out.push(Buffer.from([0x05]));
    else if (v === undefined) out.push(Buffer.from([0x06]));
    else if (Array.isArray(v)) {
      const head = Buffer.alloc(5);
      head[0] = 0x0a;
      head.writeUInt32BE(v.length, 1);
      out.push(head);
      v.forEach(put);
    } else {
      out.push(Buffer.from([0x03]));
      for (const [k, e] of Object.entries(v)) {
        out.push(Buffer.from([k.length >> 8, k.length & 0xff]), Buffer.from(k, 'latin1'));
        put(e);
      }
      out.push(Buffer.from([0, 0, 0x09]));
    }
  };
  values.forEach(put);
  return Buffer.concat(out);
}

export interface MessageSpec {
  type: number;
  payload: Buffer;
  csid?: number;
  streamId?: number;
  timestamp?: number;
  /** the chunk size this client told the server (128 until a SET_CHUNK_SIZE) */
  chunkSize?: number;
}

function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 64) return Buffer.from([(fmt << 6) | csid]);
  if (csid < 320) return Buffer.from([fmt << 6, csid - 64]);
  return Buffer.from([(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8]);
}

/** One message as RTMP chunks: a type-0 header, then type-3 continuations. */
export function chunks({ type, payload, csid = 3, streamId = 0, timestamp = 0, chunkSize = 128 }: MessageSpec): Buffer {
  const extended = timestamp >= 0xffffff;
  const header = Buffer.alloc(11);
  header.writeUIntBE(extended ? 0xffffff : timestamp, 0, 3);
  header.writeUIntBE(payload.length, 3, 3);
  header[6] = type;
  header.writeUInt32LE(streamId, 7);
  const ext = Buffer.alloc(extended ? 4 : 0);
  if (extended) ext.writeUInt32BE(timestamp);
  const parts = [basicHeader(0, csid), header, ext];
  for (let off = 0; off < payload.length || off === 0; off += chunkSize) {
    if (off > 0) parts.push(basicHeader(3, csid), ext);
    parts.push(payload.subarray(off, off + chunkSize));
    if (payload.length === 0) break;
  }
  return Buffer.concat(parts);
}

export const command = (name: string, transId: number, ...args: Amf[]) => chunks({ type: 20, payload: amf0(name, transId, ...args) });

export class RtmpTestClient {
  received: Buffer[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.received.push(d));
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  static open(port: number, host = '127.0.0.1'): Promise<RtmpTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RtmpTestClient(socket)));
      socket.once('error', reject);
    });
  }

  receivedBytes(): Buffer {
    return Buffer.concat(this.received);
  }

  /** Write unless the server already closed us; false when it did. */
  write(bytes: Buffer): Promise<boolean> {
    if (this.closed || this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(bytes, (err) => resolve(!err)));
  }

  /** C0 C1, wait for S0 S1 S2, C2. */
  async handshake(timeoutMs = 5000): Promise<void> {
    const c1 = Buffer.alloc(1536);
    c1.fill(7, 8);
    await this.write(Buffer.concat([Buffer.from([3]), c1]));
    await this.until(() => this.receivedBytes().length >= 3073, timeoutMs, 'S0 S1 S2');
    const s1 = this.receivedBytes().subarray(1, 1537);
    await this.write(Buffer.from(s1));
  }

  async connect(app = 'live'): Promise<void> {
    await this.write(command('connect', 1, { app, tcUrl: `rtmp://127.0.0.1/${app}`, type: 'nonprivate', flashVer: 'FMLE/3.0' }));
    await this.write(command('createStream', 2, null));
  }

  /** Sets the client chunk size, then publishes or plays name on stream 1. */
  async start(verb: 'publish' | 'play', name: string): Promise<void> {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(60000);
    await this.write(chunks({ type: 1, payload: size, csid: 2 }));
    await this.write(chunks({ type: 20, payload: verb === 'publish' ? amf0('publish', 3, null, name, 'live') : amf0('play', 3, null, name), csid: 8, streamId: 1, chunkSize: 60000 }));
  }

  /** A video message (payload as given) on stream 1, chunk size 60000 (see start). */
  video(payload: Buffer, timestamp: number): Promise<boolean> {
    return this.write(chunks({ type: 9, payload, csid: 6, streamId: 1, timestamp, chunkSize: 60000 }));
  }

  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      if (this.closed && !check()) throw new Error(`connection closed while waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
