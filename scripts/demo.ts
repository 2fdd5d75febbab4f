// npm run demo [-- --seconds N] [-- --title "..."]
// Creates a show on a running Hawker and publishes FFmpeg's test pattern with a tone to it over
// RTMP, as OBS would, so a newcomer sees a live stream without OBS.
// Reads HAWKER_URL (default http://127.0.0.1:8080) and the admin token from HAWKER_ADMIN_TOKEN
// or <HAWKER_DATA_DIR or ./data>/admin-token.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    title: { type: 'string', default: 'Hawker demo: test pattern' },
    size: { type: 'string', default: '1280x720' },
  },
});
const base = (process.env.HAWKER_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const token =
  process.env.HAWKER_ADMIN_TOKEN ??
  readFileSync(join(process.env.HAWKER_DATA_DIR ?? 'data', 'admin-token'), 'utf8').trim();

const res = await fetch(`${base}/api/shows`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ title: values.title }),
});
if (res.status !== 201) {
  console.error(`could not create a show: ${res.status} ${await res.text()}`);
  process.exit(1);
}
const show = (await res.json()) as { id: string; streamKey: string; ingestUrl: string; watchUrl: string; playbackUrl: string };
console.log(`show ${show.id}\n  watch:    ${show.watchUrl}\n  playback: ${show.playbackUrl}\npublishing for ${values.seconds} s (Ctrl-C stops)`);

const seconds = Number(values.seconds);
const ffmpeg = spawn(
  'ffmpeg',
  [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
    '-f', 'lavfi', '-i', `testsrc2=size=${values.size}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:sample_rate=48000',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-b:v', '4000k',
    '-c:a', 'aac', '-b:a', '128k',
    '-f', 'flv', `${show.ingestUrl}/${show.streamKey}`,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const kill = setTimeout(() => ffmpeg.kill('SIGKILL'), (seconds + 30) * 1000);
process.once('SIGINT', () => ffmpeg.kill('SIGINT'));
ffmpeg.once('exit', (code) => {
  clearTimeout(kill);
  console.log(`publisher stopped (${code ?? 'signal'}); the show ends after the reconnect window`);
});
