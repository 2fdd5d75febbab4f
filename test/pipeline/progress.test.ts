import t from 'tap';
import { ProgressParser, type EncodeProgress } from '../../src/pipeline/progress.js';

t.test('blocks of -progress output become one record each, across chunk boundaries', async (t) => {
  const seen: EncodeProgress[] = [];
  const parser = new ProgressParser((p) => seen.push(p));
  const block = (frame: number, speed: string, end = false) =>
    `frame=${frame}\nfps=29.97\nstream_0_0_q=23.0\nbitrate=1200.1kbits/s\nout_time_us=${frame * 33_333}\nout_time_ms=${frame * 33_333}\ndup_frames=1\ndrop_frames=2\nspeed=${speed}\nprogress=${end ? 'end' : 'continue'}\n`;
  const text = block(30, '1.01x') + block(60, 'N/A') + block(90, '0.98x', true);
  for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
  t.equal(seen.length, 3);
  t.same(seen[0], { frame: 30, fps: 29.97, speed: 1.01, outTimeMs: 1000, droppedFrames: 2, duplicatedFrames: 1, ended: false });
  t.equal(seen[1]!.speed, 0, 'N/A reads as 0');
  t.equal(seen[2]!.ended, true);
});

t.test('garbage does not grow without bound or throw', async (t) => {
  const seen: EncodeProgress[] = [];
  const parser = new ProgressParser((p) => seen.push(p));
  parser.push('x'.repeat(10_000));
  parser.push('\nframe=1\nprogress=continue\n');
  t.equal(seen.length, 1);
  t.equal(seen[0]!.frame, 1);
});
