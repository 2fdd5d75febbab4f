// The fragment indexer on a file that grows the way FFmpeg writes it: boxes built by hand
// (ftyp, moov with a video and an audio track, then moof + mdat pairs), appended in pieces.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CmafFormatError, emptyIndex, scanSegment, type SegmentIndex } from '../../src/pipeline/cmaf-index.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
};
const full = (type: string, version: number, flags: number, ...payload: Buffer[]) => box(type, u32((version << 24) | flags), ...payload);

const VIDEO_SCALE = 15360;
const AUDIO_SCALE = 48000;
const trak = (id: number, timescale: number, handler: string) =>
  box(
    'trak',
    full('tkhd', 0, 3, u32(0), u32(0), u32(id), Buffer.alloc(60)),
    box('mdia', full('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(0), Buffer.alloc(4)), full('hdlr', 0, 0, u32(0), Buffer.from(handler), Buffer.alloc(13))),
  );
const INIT = Buffer.concat([box('ftyp', Buffer.from('iso6'), u32(1)), box('moov', full('mvhd', 0, 0, Buffer.alloc(96)), trak(1, VIDEO_SCALE, 'vide'), trak(2, AUDIO_SCALE, 'soun'))]);

/** a moof (audio traf first, then video: 6 frames of 1/30 s) and its mdat */
function fragment(seq: number, baseTicks: number, keyframe: boolean, mdatBytes: number): Buffer {
  const frame = VIDEO_SCALE / 30;
  const samples = Array.from({ length: 6 }, () => Buffer.concat([u32(frame), u32(100)]));
  const video = box(
    'traf',
    full('tfhd', 0, 0x020000, u32(1)),
    full('tfdt', 1, 0, u64(baseTicks)),
    // data offset, first sample flags, then a duration and a size per sample
    full('trun', 0, 0x1 | 0x4 | 0x100 | 0x200, u32(6), u32(0), u32(keyframe ? 0x02000000 : 0x01010000), ...samples),
  );
  const audio = box('traf', full('tfhd', 0, 0x020008, u32(2), u32(1024)), full('tfdt', 1, 0, u64(0)), full('trun', 0, 0x1, u32(9), u32(0)));
  return Buffer.concat([box('moof', full('mfhd', 0, 0, u32(seq)), audio, video), box('mdat', Buffer.alloc(mdatBytes))]);
}

async function scan(path: string, index: SegmentIndex): Promise<SegmentIndex> {
  const file = await open(path, 'r');
  try {
    return await scanSegment(file, (await file.stat()).size, index);
  } finally {
    await file.close();
  }
}

t.test('fragments become parts only once their mdat is whole', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'hawker-cmaf-')), 'seg_000000.m4s');
  const first = fragment(1, VIDEO_SCALE * 3, true, 5000);
  const second = fragment(2, VIDEO_SCALE * 3.2, false, 3000);

  writeFileSync(path, INIT);
  let index = await scan(path, emptyIndex());
  t.equal(index.initLength, INIT.length, 'ftyp + moov is the init section');
  t.same(index.tracks.map((tr) => [tr.id, tr.timescale, tr.handler]), [[1, VIDEO_SCALE, 'vide'], [2, AUDIO_SCALE, 'soun']]);
  t.same(index.fragments, []);
  t.equal(index.nextOffset, INIT.length, 'the hint points past the init');

  appendFileSync(path, first.subarray(0, first.length - 10));
  index = await scan(path, index);
  t.same(index.fragments, [], 'an mdat still being written is not a part');
  t.equal(index.nextOffset, INIT.length, 'the scan resumes at the unfinished fragment');

  appendFileSync(path, Buffer.concat([first.subarray(first.length - 10), second.subarray(0, 30)]));
  index = await scan(path, index);
  t.equal(index.fragments.length, 1);
  const [f] = index.fragments;
  t.same(f, { offset: INIT.length, length: first.length, startS: 3, durationS: 0.2, independent: true });
  t.equal(index.nextOffset, INIT.length + first.length);

  appendFileSync(path, second.subarray(30));
  index = await scan(path, index);
  t.equal(index.fragments.length, 2);
  t.match(index.fragments[1], { offset: INIT.length + first.length, length: second.length, independent: false });
  t.ok(Math.abs(index.fragments[1]!.startS - 3.2) < 1e-9);
});

t.test('a file without its own moov uses the tracks it is given; broken boxes are errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-cmaf-'));
  const bare = join(dir, 'bare.m4s');
  writeFileSync(bare, fragment(1, 0, true, 100));
  const file = await open(bare, 'r');
  try {
    const index = await scanSegment(file, (await file.stat()).size, emptyIndex(), [{ id: 1, timescale: VIDEO_SCALE, handler: 'vide' }]);
    t.equal(index.fragments.length, 1);
    t.equal(index.fragments[0]!.offset, 0);
    await t.rejects(scanSegment(file, (await file.stat()).size, emptyIndex(), []), CmafFormatError, 'no tracks: no video to time');
  } finally {
    await file.close();
  }
  const broken = join(dir, 'broken.m4s');
  writeFileSync(broken, Buffer.concat([u32(4), Buffer.from('moof')]));
  await t.rejects(scan(broken, emptyIndex()), CmafFormatError, 'a box smaller than its header');
  const huge = join(dir, 'huge.m4s');
  writeFileSync(huge, Buffer.concat([u32(8 + (2 << 20)), Buffer.from('moof'), Buffer.alloc(2 << 20)]));
  await t.rejects(scan(huge, emptyIndex()), CmafFormatError, 'a moof too large to be FFmpeg output');
});

t.test('a fragment of audio alone joins the next part; at the end of a file it is left out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-cmaf-'));
  const path = join(dir, 'seg.m4s');
  const audioOnly = (seq: number) =>
    Buffer.concat([
      box('moof', full('mfhd', 0, 0, u32(seq)), box('traf', full('tfhd', 0, 0x020008, u32(2), u32(1024)), full('tfdt', 1, 0, u64(0)), full('trun', 0, 0x1, u32(9), u32(0)))),
      box('mdat', Buffer.alloc(300)),
    ]);
  const first = fragment(1, 0, true, 500);
  const lone = audioOnly(2);
  const second = fragment(3, VIDEO_SCALE / 5, false, 400);
  writeFileSync(path, Buffer.concat([INIT, first, lone, second, audioOnly(4)]));
  const index = await scan(path, emptyIndex());
  t.equal(index.fragments.length, 2, 'two parts: the audio-only fragments are none of their own');
  t.equal(index.fragments[1]!.offset, INIT.length + first.length, 'the second part starts where the first ended, audio-only fragment included');
  t.equal(index.fragments[1]!.length, lone.length + second.length);
  t.equal(index.nextOffset, INIT.length + first.length + lone.length + second.length, 'the trailing audio-only fragment would begin the next part');
});
