import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { createLogger } from '../../src/log/logger.js';
import { TranscodeLauncher } from '../../src/pipeline/launcher.js';
import { SourceRefused, type SourceInfo } from '../../src/pipeline/source-probe.js';

// When the overlay pictures cannot be prepared (their folder is broken, the disk is full), the
// show still gets its video: the transcode starts without overlays, and says why.
t.test('an overlay source that throws does not keep the show from being transcoded', async (t) => {
  let logText = '';
  const logger = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) }) });
  let released = 0;
  const launcher = new TranscodeLauncher({
    config: { ffmpeg: { ...defaultConfig.ffmpeg, path: '/nonexistent/ffmpeg' }, pipeline: { ...defaultConfig.pipeline, overlays: true } },
    hlsRoot: mkdtempSync(join(tmpdir(), 'hawker-launch-')),
    inputUrlFor: () => 'rtmp://127.0.0.1:1/live/x',
    overlays: {
      inputsFor: () => {
        throw new Error('EEXIST: file already exists, mkdir overlay/show1');
      },
      release: () => void released++,
    },
    logger,
  });
  const pipeline = await launcher.start('show1', 'k'.repeat(43), { onRestart: () => undefined });
  t.ok(pipeline, 'a pipeline was started');
  t.match(logText, /overlays could not be prepared; transcoding without them/);
  await pipeline.stop();
});

// The probe's answer shapes the run: the overlays are asked for the top rung's frame, and a
// refused source starts no FFmpeg at all.
t.test('the probed source picks the overlay frame; a refused one starts nothing', async (t) => {
  const frames: Array<{ width: number; height: number }> = [];
  let probed: unknown = null;
  const launcher = (probe: () => Promise<SourceInfo>) =>
    new TranscodeLauncher({
      config: { ffmpeg: { ...defaultConfig.ffmpeg, path: '/nonexistent/ffmpeg' }, pipeline: { ...defaultConfig.pipeline, overlays: true } },
      hlsRoot: mkdtempSync(join(tmpdir(), 'hawker-launch-')),
      inputUrlFor: () => 'rtmp://127.0.0.1:1/live/x',
      probe,
      overlays: { inputsFor: (_id, frame) => (frames.push(frame), []), release: () => undefined },
      logger: createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    });
  const phone = { width: 1080, height: 1920, fps: 60, videoCodec: 'h264', audio: null };
  const pipeline = await launcher(async () => phone).start('show1', 'k'.repeat(43), { onRestart: () => undefined, onSource: (s) => (probed = s) });
  t.same(frames, [{ name: '720p', width: 720, height: 1280 }], 'the overlays are laid out on the 720x1280 top rung');
  t.same(probed, phone, 'the live state machine hears what was found');
  await pipeline.stop();
  await t.rejects(
    launcher(async () => {
      throw new SourceRefused('the stream has no video track');
    }).start('show2', 'k'.repeat(43), { onRestart: () => undefined }),
    { name: 'SourceRefused' },
  );
  t.equal(frames.length, 1, 'nothing prepared for the refused one');
});
