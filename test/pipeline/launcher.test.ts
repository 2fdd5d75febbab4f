import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { createLogger } from '../../src/log/logger.js';
import { TranscodeLauncher } from '../../src/pipeline/launcher.js';

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
