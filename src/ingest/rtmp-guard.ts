/**
 * The RTMP guard: one per connection, between the socket and node-media-server's parser.
 *
 * Why a re-framing proxy and not a try/catch alone: node-media-server 4.4.3 trusts everything a
 * client sends. Its chunk parser reserves the announced message length up front (16 MB per
 * header), divides by a chunk size of 0, and its AMF decoder and command handlers throw on a
 * missing tcUrl, a null stream name or a truncated object. A try/catch turns those throws into a
 * closed socket, but not the memory, nor a refused publisher whose packets still reach a player.
 *
 * So the guard reads the client's bytes itself: it frames the handshake and the chunk streams
 * with hard limits (message size, chunk streams, bytes before a publish/play is accepted), keeps
 * only the messages it will use, decodes commands with a bounded AMF0 reader, asks the policy
 * (the ingest) about connect/publish/play, and hands node-media-server a canonical stream it
 * wrote itself: the handshake as received, then one chunk per message (after telling it the
 * chunk size is 2^31-1), commands re-encoded with only the fields it reads, media only from a
 * publisher the policy accepted. Control messages (chunk size, abort, acks), user control
 * events, shared objects and AMF3 messages stop here: node-media-server does nothing useful with
 * them. A violation throws RtmpViolation, a refusal RtmpRefused: the caller destroys the socket.
 */
import { AmfError, decodeAmf0, encodeAmf0, encodeAmf0EcmaArray, isAmfObject, type AmfValue } from './amf0.js';

/** The client broke the protocol or a limit. */
export class RtmpViolation extends Error {
  override name = 'RtmpViolation';
}
/** The client is well-formed but not allowed (unknown app, key, play name). */
export class RtmpRefused extends Error {
  override name = 'RtmpRefused';
}

export type PublishVerdict = { accept: true; internalName: string } | { accept: false; reason: string };

/** What the guard asks whoever owns stream keys and play names (the ingest). */
export interface GuardPolicy {
  /** the app name of a connect; false refuses the connection */
  connect(app: string): boolean;
  /** the stream name of a publish (query stripped); the key never goes further than this call */
  publish(name: string): PublishVerdict;
  /** the stream name of a play; true only for a local reader of a current internal name */
  play(name: string): boolean;
}

export interface GuardLimits {
  /** largest message a chunk header may announce */
  maxMessageBytes: number;
}

export type GuardState = 'handshake' | 'connecting' | 'publishing' | 'playing';

const HANDSHAKE_SIZE = 1536;
const RTMP_VERSION = 3;
/** A real client sends well under 2 KB between the handshake and its publish or play. */
const MAX_BYTES_BEFORE_ACCEPT = 64 * 1024;
/** connect / createStream / publish / play are a few hundred bytes. */
const MAX_COMMAND_BYTES = 16 * 1024;
/** Real clients use 2 to 8 chunk streams. */
const MAX_CHUNK_STREAMS = 32;
const MAX_CREATE_STREAMS = 4;
/** Sent to node-media-server once: every message then fits in one chunk. */
const DOWNSTREAM_CHUNK_SIZE = 0x7fffffff;

const TYPE = {
  setChunkSize: 1,
  abort: 2,
  ack: 3,
  userControl: 4,
  windowAckSize: 5,
  setPeerBandwidth: 6,
  audio: 8,
  video: 9,
  amf3Data: 15,
  amf3Command: 17,
  amf0Data: 18,
  amf0Command: 20,
} as const;

const HEADER_SIZE = [11, 7, 3, 0] as const;

interface ChunkStream {
  /** the last timestamp field (or delta) read, extended timestamp resolved */
  tsField: number;
  extended: boolean;
  length: number;
  type: number;
  streamId: number;
  clock: number;
  /** bytes of the current message received; 0 between messages */
  received: number;
  /** the message so far, grown as bytes arrive; null while skipping a message we will not use */
  body: Buffer | null;
}

/** The canonical message stream node-media-server gets: one fmt-0 chunk per message. */
function chunk(csid: number, type: number, streamId: number, clock: number, payload: Buffer): Buffer {
  const extended = clock >= 0xffffff;
  const head = Buffer.alloc(12 + (extended ? 4 : 0));
  head[0] = csid; // fmt 0, csid < 64
  head.writeUIntBE(extended ? 0xffffff : clock, 1, 3);
  head.writeUIntBE(payload.length, 4, 3);
  head[7] = type;
  head.writeUInt32LE(streamId, 8);
  if (extended) head.writeUInt32BE(clock, 12);
  return Buffer.concat([head, payload]);
}

export class RtmpGuard {
  state: GuardState = 'handshake';
  /** bytes received in total, to bound what a client may send before it is accepted */
  bytesIn = 0;
  private handshakeBuf: Buffer = Buffer.alloc(0);
  private handshakeStep: 'c0c1' | 'c2' = 'c0c1';
  private leftover: Buffer = Buffer.alloc(0);
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();
  /** the stream whose chunk payload is being read, and how many payload bytes remain in it */
  private current: ChunkStream | null = null;
  private chunkRemaining = 0;
  private buffered = 0;
  private connected = false;
  private createStreams = 0;

  constructor(
    private readonly limits: GuardLimits,
    private readonly policy: GuardPolicy,
    /** node-media-server's input: only bytes the guard wrote */
    private readonly forward: (bytes: Buffer) => void,
  ) {}

  /** Feed bytes from the socket. Throws RtmpViolation or RtmpRefused: destroy the socket then. */
  push(data: Buffer): void {
    this.bytesIn += data.length;
    let rest = data;
    if (this.state === 'handshake') rest = this.handshake(data);
    if (rest.length > 0) this.chunks(rest);
    // checked after the bytes were read: what follows an accepted publish in the same read is media
    if ((this.state === 'handshake' || this.state === 'connecting') && this.bytesIn > MAX_BYTES_BEFORE_ACCEPT) {
      throw new RtmpViolation('too many bytes before publish or play');
    }
  }

  private handshake(data: Buffer): Buffer {
    this.handshakeBuf = Buffer.concat([this.handshakeBuf, data]);
    if (this.handshakeStep === 'c0c1') {
      if (this.handshakeBuf[0] !== undefined && this.handshakeBuf[0] !== RTMP_VERSION) {
        throw new RtmpViolation(`RTMP version ${this.handshakeBuf[0]} (only 3)`);
      }
      if (this.handshakeBuf.length < 1 + HANDSHAKE_SIZE) return Buffer.alloc(0);
      this.forward(this.handshakeBuf.subarray(0, 1 + HANDSHAKE_SIZE));
      this.handshakeBuf = this.handshakeBuf.subarray(1 + HANDSHAKE_SIZE);
      this.handshakeStep = 'c2';
    }
    if (this.handshakeBuf.length < HANDSHAKE_SIZE) return Buffer.alloc(0);
    this.forward(Buffer.from(this.handshakeBuf.subarray(0, HANDSHAKE_SIZE)));
    const rest = this.handshakeBuf.subarray(HANDSHAKE_SIZE);
    this.handshakeBuf = Buffer.alloc(0);
    this.state = 'connecting';
    const size = Buffer.alloc(4);
    size.writeUInt32BE(DOWNSTREAM_CHUNK_SIZE);
    this.forward(chunk(2, TYPE.setChunkSize, 0, 0, size));
    return rest;
  }

  private chunks(data: Buffer): void {
    const buf = this.leftover.length > 0 ? Buffer.concat([this.leftover, data]) : data;
    this.leftover = Buffer.alloc(0);
    let p = 0;
    while (p < buf.length) {
      if (this.chunkRemaining > 0 && this.current) {
        const n = Math.min(this.chunkRemaining, buf.length - p);
        this.payload(this.current, buf.subarray(p, p + n));
        p += n;
        this.chunkRemaining -= n;
        if (this.chunkRemaining === 0) this.endOfChunk(this.current);
        continue;
      }
      const used = this.header(buf, p);
      if (used === 0) {
        // an incomplete header (at most 18 bytes) waits for the next data
        this.leftover = Buffer.from(buf.subarray(p));
        return;
      }
      p += used;
    }
  }

  /** Reads one chunk header at p; returns its size, or 0 if it is not all there yet. */
  private header(buf: Buffer, p: number): number {
    const avail = buf.length - p;
    const b0 = buf[p]!;
    const fmt = b0 >> 6;
    const low = b0 & 0x3f;
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    if (avail < basic) return 0;
    const csid = low === 0 ? 64 + buf[p + 1]! : low === 1 ? 64 + buf[p + 1]! + buf[p + 2]! * 256 : low;
    let size = basic + HEADER_SIZE[fmt]!;
    if (avail < size) return 0;
    let cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== 0) throw new RtmpViolation(`first chunk of chunk stream ${csid} is type ${fmt}, not 0`);
      if (this.streams.size >= MAX_CHUNK_STREAMS) throw new RtmpViolation('too many chunk streams');
      cs = { tsField: 0, extended: false, length: 0, type: 0, streamId: 0, clock: 0, received: 0, body: null };
      this.streams.set(csid, cs);
    }
    if (fmt !== 3 && cs.received > 0) throw new RtmpViolation(`new message header inside a message on chunk stream ${csid}`);
    const h = p + basic;
    const tsRaw = fmt <= 2 ? buf.readUIntBE(h, 3) : cs.extended ? 0xffffff : 0;
    const extended = fmt <= 2 ? tsRaw === 0xffffff : cs.extended;
    if (extended) size += 4;
    if (avail < size) return 0;
    const ts = extended ? buf.readUInt32BE(p + size - 4) : tsRaw;
    if (fmt <= 2) {
      cs.tsField = ts;
      cs.extended = extended;
    }
    if (fmt <= 1) {
      cs.length = buf.readUIntBE(h + 3, 3);
      cs.type = buf[h + 6]!;
    }
    if (fmt === 0) cs.streamId = buf.readUInt32LE(h + 7);
    if (cs.received === 0) {
      cs.clock = fmt === 0 ? ts : (cs.clock + cs.tsField) % 0x100000000;
      this.startMessage(cs);
      if (cs.length === 0) {
        this.complete(cs);
        return size;
      }
    }
    this.current = cs;
    this.chunkRemaining = Math.min(this.chunkSize, cs.length - cs.received);
    return size;
  }

  private startMessage(cs: ChunkStream): void {
    if (cs.length > this.limits.maxMessageBytes) {
      throw new RtmpViolation(`message of ${cs.length} bytes (limit ${this.limits.maxMessageBytes})`);
    }
    cs.body = this.wants(cs.type, cs.length) ? Buffer.allocUnsafe(Math.min(cs.length, 64 * 1024)) : null;
    if (cs.body) this.buffered += cs.body.length;
  }

  /** Which messages are worth keeping; the rest is read past without being stored. */
  private wants(type: number, length: number): boolean {
    switch (type) {
      case TYPE.setChunkSize:
      case TYPE.abort:
      case TYPE.ack:
      case TYPE.windowAckSize:
      case TYPE.setPeerBandwidth:
        return length <= 16;
      case TYPE.amf0Command:
      case TYPE.amf3Command:
        return this.state === 'connecting' && length <= MAX_COMMAND_BYTES;
      case TYPE.audio:
      case TYPE.video:
      case TYPE.amf0Data:
        return this.state === 'publishing';
      default:
        return false;
    }
  }

  private payload(cs: ChunkStream, bytes: Buffer): void {
    if (cs.body) {
      if (cs.received + bytes.length > cs.body.length) {
        // grow by doubling, never past the announced length: memory follows bytes received
        const grown = Buffer.allocUnsafe(Math.min(cs.length, Math.max(cs.body.length * 2, cs.received + bytes.length)));
        cs.body.copy(grown, 0, 0, cs.received);
        this.buffered += grown.length - cs.body.length;
        cs.body = grown;
      }
      bytes.copy(cs.body, cs.received);
      if (this.buffered > this.limits.maxMessageBytes * 2) throw new RtmpViolation('too much buffered across chunk streams');
    }
    cs.received += bytes.length;
  }

  private endOfChunk(cs: ChunkStream): void {
    this.current = null;
    if (cs.received >= cs.length) this.complete(cs);
  }

  private release(cs: ChunkStream): void {
    if (cs.body) this.buffered -= cs.body.length;
    cs.body = null;
    cs.received = 0;
  }

  private complete(cs: ChunkStream): void {
    const body = cs.body ? cs.body.subarray(0, cs.length) : null;
    const { type, streamId, clock } = cs;
    this.release(cs);
    if (body) this.message(type, streamId, clock, body);
  }

  private message(type: number, streamId: number, clock: number, body: Buffer): void {
    switch (type) {
      case TYPE.setChunkSize: {
        if (body.length < 4) throw new RtmpViolation('short set chunk size');
        const size = body.readUInt32BE(0) & 0x7fffffff;
        if (size < 1) throw new RtmpViolation('chunk size 0');
        this.chunkSize = size;
        return;
      }
      case TYPE.abort: {
        if (body.length < 4) throw new RtmpViolation('short abort');
        const cs = this.streams.get(body.readUInt32BE(0));
        if (cs && cs !== this.current) this.release(cs);
        return;
      }
      case TYPE.ack:
      case TYPE.windowAckSize:
      case TYPE.setPeerBandwidth:
        if (body.length < 4) throw new RtmpViolation(`short control message type ${type}`);
        return;
      case TYPE.amf0Command:
      case TYPE.amf3Command:
        this.command(type === TYPE.amf3Command ? body.subarray(1) : body, streamId);
        return;
      case TYPE.audio:
        if (body.length >= 2) this.forward(chunk(4, type, streamId, clock, body));
        return;
      case TYPE.video:
        if (body.length >= 5) this.forward(chunk(5, type, streamId, clock, body));
        return;
      case TYPE.amf0Data:
        this.metadata(body, streamId, clock);
        return;
    }
  }

  private command(body: Buffer, streamId: number): void {
    let values: AmfValue[];
    try {
      values = decodeAmf0(body);
    } catch (err) {
      if (err instanceof AmfError) throw new RtmpViolation(`bad command: ${err.message}`);
      throw err;
    }
    const [name, transId] = values;
    if (typeof name !== 'string') throw new RtmpViolation('command without a name');
    const tid = typeof transId === 'number' && Number.isFinite(transId) ? transId : 0;
    const send = (args: AmfValue[]) => this.forward(chunk(3, TYPE.amf0Command, streamId, 0, encodeAmf0(args)));
    switch (name) {
      case 'connect': {
        if (this.connected) throw new RtmpViolation('second connect');
        const obj = values[2];
        if (!isAmfObject(obj)) throw new RtmpViolation('connect without a command object');
        const { app, tcUrl } = obj;
        if (typeof app !== 'string' || typeof tcUrl !== 'string') throw new RtmpViolation('connect without app or tcUrl');
        try {
          new URL(tcUrl);
        } catch {
          throw new RtmpViolation('connect with a tcUrl that is not a URL');
        }
        const appName = app.split('?')[0]!.replace(/\/+$/, '');
        if (!this.policy.connect(appName)) throw new RtmpRefused('unknown application');
        this.connected = true;
        send(['connect', tid, { app: appName, tcUrl: 'rtmp://localhost/' + appName, objectEncoding: 0 }]);
        return;
      }
      case 'createStream':
        if (!this.connected) throw new RtmpViolation('createStream before connect');
        if (++this.createStreams > MAX_CREATE_STREAMS) throw new RtmpViolation('too many createStream');
        send(['createStream', tid, null]);
        return;
      case 'publish':
      case 'play': {
        if (!this.connected) throw new RtmpViolation(`${name} before connect`);
        const streamName = values[3];
        if (typeof streamName !== 'string' || streamName === '') throw new RtmpViolation(`${name} without a stream name`);
        const bare = streamName.split('?')[0]!;
        if (name === 'publish') {
          const verdict = this.policy.publish(bare);
          if (!verdict.accept) throw new RtmpRefused(verdict.reason);
          this.state = 'publishing';
          send(['publish', tid, null, verdict.internalName, 'live']);
        } else {
          if (!this.policy.play(bare)) throw new RtmpRefused('play refused');
          this.state = 'playing';
          send(['play', tid, null, bare]);
        }
        return;
      }
      default:
        // releaseStream, FCPublish, _checkbw, getStreamLength...: node-media-server answers none
        return;
    }
  }

  /** onMetaData, re-encoded flat: node-media-server decodes it again with its own reader. */
  private metadata(body: Buffer, streamId: number, clock: number): void {
    let values: AmfValue[];
    try {
      values = decodeAmf0(body);
    } catch {
      return; // a publisher's broken metadata is dropped, not fatal
    }
    const [first, second, third] = values;
    const obj = first === '@setDataFrame' && second === 'onMetaData' ? third : first === 'onMetaData' ? second : undefined;
    if (obj === undefined || !isAmfObject(obj)) return;
    const flat: Record<string, number | boolean | string> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k.length > 64) continue;
      if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 256)) flat[k] = v;
    }
    const payload = Buffer.concat([encodeAmf0(['@setDataFrame', 'onMetaData']), encodeAmf0EcmaArray(flat)]);
    this.forward(chunk(6, TYPE.amf0Data, streamId, clock, payload));
  }
}
