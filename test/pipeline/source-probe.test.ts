import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ProbeFailed, probeSource, SourceRefused, sourceFromProbe } from '../../src/pipeline/source-probe.js';

const phone = {
  streams: [
    { codec_type: 'video', codec_name: 'h264', width: 1080, height: 1920, avg_frame_rate: '60/1' },
    { codec_type: 'audio', codec_name: 'aac', sample_rate: '44100', channels: 1 },
  ],
  frames: [{ media_type: 'audio' }, { media_type: 'video', width: 1080, height: 1920 }],
};

t.test('a phone source: size from the decoded frame, rate, audio as sent', async (t) => {
  t.same(sourceFromProbe(phone), { width: 1080, height: 1920, fps: 60, videoCodec: 'h264', audio: { codec: 'aac', sampleRate: 44100, channels: 1 } });
  const silent = sourceFromProbe({ ...phone, streams: [phone.streams[0]!] });
  t.equal(silent.audio, null, 'no audio track');
  t.equal(sourceFromProbe({ ...phone, streams: [{ ...phone.streams[0]!, avg_frame_rate: '0/0' }] }).fps, null, 'variable rate: unknown');
});

t.test('refused: no video, a video codec nothing here decodes, an absurd size', async (t) => {
  t.throws(() => sourceFromProbe({ streams: [phone.streams[1]!], frames: [] }), new SourceRefused('the stream has no video track'));
  t.throws(
    () => sourceFromProbe({ streams: [{ codec_type: 'video', codec_name: 'vvc' }], frames: [{ media_type: 'audio' }] }),
    { name: 'SourceRefused', message: /video codec \(vvc\) cannot be decoded here/ },
  );
  t.throws(() => sourceFromProbe({ ...phone, frames: [{ media_type: 'video', width: 8, height: 8 }] }), { name: 'SourceRefused', message: /8x8/ });
});

t.test('real ffprobe: a file with silence only is refused; an unreachable stream is a failed probe', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-probe-'));
  const audioOnly = join(dir, 'a.flv');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '1', '-c:a', 'aac', '-y', audioOnly], { timeout: 20_000 });
  await t.rejects(probeSource({ ffprobePath: 'ffprobe', url: audioOnly, timeoutMs: 10_000 }, '500000', '100000'), SourceRefused);
  const portrait = join(dir, 'p.flv');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=886x1920:rate=25', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', portrait], { timeout: 20_000 });
  t.match(await probeSource({ ffprobePath: 'ffprobe', url: portrait, timeoutMs: 10_000 }, '500000', '100000'), { width: 886, height: 1920, fps: 25, audio: null });
  await t.rejects(probeSource({ ffprobePath: 'ffprobe', url: 'rtmp://127.0.0.1:1/live/x', timeoutMs: 5_000 }, '500000', '100000'), ProbeFailed);
});
