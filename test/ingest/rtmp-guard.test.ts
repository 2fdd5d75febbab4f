import t from 'tap';
import { decodeAmf0, encodeAmf0 } from '../../src/ingest/amf0.js';
import { RtmpGuard, type GuardPolicy } from '../../src/ingest/rtmp-guard.js';
import { amf0, chunks, command } from '../helpers/rtmp-client.js';

const handshake = Buffer.concat([Buffer.from([3]), Buffer.alloc(1536, 1), Buffer.alloc(1536, 2)]);
const policy: GuardPolicy = {
  connect: (app) => app === 'live',
  publish: (name) => (name === 'key' ? { accept: true, internalName: 'internal' } : { accept: false, reason: 'no' }),
  play: () => false,
};

/** A guard and what it forwarded, split back into (type, clock, payload) messages. */
function harness(limits = { maxMessageBytes: 1024 * 1024 }) {
  const out: Buffer[] = [];
  const guard = new RtmpGuard(limits, policy, (b) => out.push(Buffer.from(b)));
  const messages = () => {
    const all = Buffer.concat(out).subarray(3073);
    const found: Array<{ type: number; clock: number; payload: Buffer }> = [];
    for (let p = 0; p < all.length; ) {
      let clock = all.readUIntBE(p + 1, 3);
      const length = all.readUIntBE(p + 4, 3);
      const type = all[p + 7]!;
      let h = 12;
      if (clock === 0xffffff) {
        clock = all.readUInt32BE(p + 12);
        h = 16;
      }
      found.push({ type, clock, payload: all.subarray(p + h, p + h + length) });
      p += h + length;
    }
    return found;
  };
  return { guard, out, messages };
}

const connect = command('connect', 1, { app: 'live', tcUrl: 'rtmp://example.com/live' });

t.test('amf0: bounded decoding', async (t) => {
  t.same(decodeAmf0(amf0('a', 1, null, { b: true })), ['a', 1, null, { b: true }]);
  t.throws(() => decodeAmf0(amf0({ a: 'x' }).subarray(0, 5)), { name: 'AmfError' }, 'truncated');
  t.throws(() => decodeAmf0(Buffer.from([0x0c, 0xff, 0xff, 0xff, 0xff, 0x41])), { name: 'AmfError' }, 'long string past the end');
  t.throws(() => decodeAmf0(Buffer.concat([Buffer.from([3]), Buffer.alloc(4 * 100, Buffer.from([0, 1, 0x61, 3]))])), { name: 'AmfError' }, 'nested too deep');
  t.throws(() => decodeAmf0(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff])), { name: 'AmfError' }, 'huge strict array');
  t.throws(() => decodeAmf0(Buffer.from([0x07, 0, 1])), { name: 'AmfError' }, 'references are not supported');
  const proto = decodeAmf0(Buffer.concat([Buffer.from([3, 0, 9]), Buffer.from('__proto__'), amf0({ polluted: true }), Buffer.from([0, 0, 9])]));
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  t.ok(Object.prototype.hasOwnProperty.call(proto[0], '__proto__'));
  t.same(decodeAmf0(encodeAmf0(['x', 2, { a: 'b' }, [1, 2]])), ['x', 2, { a: 'b' }, [1, 2]], 'the writer round-trips');
});

t.test('the guard forwards a canonical stream: handshake, chunk size, re-encoded commands', async (t) => {
  const { guard, out, messages } = harness();
  // the whole session in 7-byte pieces: framing must not depend on how TCP splits it
  const session = Buffer.concat([
    handshake,
    connect,
    command('createStream', 2, null),
    chunks({ type: 20, payload: amf0('publish', 3, null, 'key?x=1', 'live'), csid: 8, streamId: 1 }),
    chunks({ type: 9, payload: Buffer.alloc(300, 0x17), csid: 6, streamId: 1, timestamp: 40 }),
  ]);
  for (let p = 0; p < session.length; p += 7) guard.push(session.subarray(p, p + 7));
  t.equal(guard.state, 'publishing');
  t.same(Buffer.concat(out).subarray(0, 1537), handshake.subarray(0, 1537), 'C0 C1 as received');
  const m = messages();
  t.same(m.map((x) => x.type), [1, 20, 20, 20, 9]);
  t.equal(m[0]!.payload.readUInt32BE(0), 0x7fffffff, 'one chunk per message from here on');
  t.same(decodeAmf0(m[1]!.payload), ['connect', 1, { app: 'live', tcUrl: 'rtmp://localhost/live', objectEncoding: 0 }]);
  t.same(decodeAmf0(m[3]!.payload), ['publish', 3, null, 'internal', 'live'], 'the key is replaced by the internal name');
  t.notOk(Buffer.concat(out).includes(Buffer.from('key?')), 'the key never reaches node-media-server');
  t.equal(m[4]!.clock, 40);
  t.equal(m[4]!.payload.length, 300);
});

t.test('timestamps: deltas, type-3 messages and extended timestamps come out absolute', async (t) => {
  const { guard, messages } = harness();
  guard.push(Buffer.concat([handshake, connect, command('publish', 3, null, 'key')]));
  const frame = Buffer.alloc(10, 0x17);
  const ext = 0x1000005;
  const bytes = Buffer.concat([
    chunks({ type: 9, payload: frame, csid: 6, streamId: 1, timestamp: ext }), // extended, absolute
    Buffer.from([0x86, 0, 0, 33]), // type 2: delta 33
    frame,
    Buffer.from([0xc6]), // type 3: a new message with the same delta
    frame,
  ]);
  guard.push(bytes);
  const clocks = messages().filter((m) => m.type === 9).map((m) => m.clock);
  t.same(clocks, [ext, ext + 33, ext + 66]);
});

t.test('violations and refusals throw; nothing is forwarded for them', async (t) => {
  const cases: Array<[string, Buffer[], 'RtmpViolation' | 'RtmpRefused']> = [
    ['RTMP version 6', [Buffer.from([6])], 'RtmpViolation'],
    ['type-3 chunk first', [handshake, Buffer.from([0xc3, 1])], 'RtmpViolation'],
    ['16 MB announced', [handshake, Buffer.from([0x03, 0, 0, 0, 0xff, 0xff, 0xff, 9, 0, 0, 0, 0])], 'RtmpViolation'],
    ['chunk size 0', [handshake, chunks({ type: 1, payload: Buffer.alloc(4), csid: 2 })], 'RtmpViolation'],
    ['empty SET_CHUNK_SIZE', [handshake, chunks({ type: 1, payload: Buffer.alloc(0), csid: 2 })], 'RtmpViolation'],
    ['connect without tcUrl', [handshake, command('connect', 1, { app: 'live' })], 'RtmpViolation'],
    ['connect with a bad tcUrl', [handshake, command('connect', 1, { app: 'live', tcUrl: '::' })], 'RtmpViolation'],
    ['connect to another app', [handshake, command('connect', 1, { app: 'x', tcUrl: 'rtmp://a/x' })], 'RtmpRefused'],
    ['publish with a null name', [handshake, connect, command('publish', 3, null, null)], 'RtmpViolation'],
    ['publish with a wrong key', [handshake, connect, command('publish', 3, null, 'nope')], 'RtmpRefused'],
    ['64 KiB of video before publish', [handshake, connect, chunks({ type: 9, payload: Buffer.alloc(70_000), csid: 6 })], 'RtmpViolation'],
  ];
  for (const [name, parts, error] of cases) {
    const { guard, messages } = harness();
    t.throws(
      () => {
        for (const p of parts) guard.push(p);
      },
      { name: error },
      name,
    );
    t.notOk(messages().some((m) => m.type === 9 || (m.type === 20 && decodeAmf0(m.payload)[0] === 'publish')), `${name}: no media or publish forwarded`);
  }
});

t.test('media before an accepted publish is read past, never forwarded nor stored', async (t) => {
  const { guard, messages } = harness();
  guard.push(Buffer.concat([handshake, connect, chunks({ type: 9, payload: Buffer.alloc(1000, 0x17), csid: 6 })]));
  t.same(messages().map((m) => m.type), [1, 20]);
});
