import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Publisher {
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * A real FFmpeg publishing a test pattern and a tone over RTMP in real time (-re), as OBS would:
 * H.264 + AAC in FLV, a keyframe every second. Killed by timeout at most after maxSeconds.
 * 15 fps unless asked: the publisher, the transcoder and each Chromium playing the show do half
 * the work of 30 fps, and the suite's end-to-end tests are bound by the two cores; the tests
 * about frame rates and frame timing pass their own.
 */
export function publishTestPattern(url: string, options: { size?: string; rate?: number; maxSeconds?: number; color?: string } = {}): Publisher {
  const size = options.size ?? '640x360';
  const rate = options.rate ?? 15;
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', options.color ? `color=c=${options.color}:size=${size}:rate=${rate}` : `testsrc2=size=${size}:rate=${rate}`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(options.maxSeconds ?? 120),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(rate),
      '-c:a', 'aac', '-b:a', '96k',
      '-f', 'flv', url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return publisherOf(child);
}

/** A publishing FFmpeg as tests hold it: its exit, and a stop that kills it by PID. */
export function publisherOf(child: ChildProcess): Publisher {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stop: async () => {
      // no PID: never started, and Node would signal PID 0 (this test's own process group)
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

/** ffprobe decodes the file's streams (fails if it cannot). */
export async function probe(file: string): Promise<ProbedStream[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { timeout: 15_000 });
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

/** Decode every frame of a file (ffmpeg exits non-zero on a broken one). Returns the frame count. */
export async function decodeFrames(file: string): Promise<number> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file],
    { timeout: 15_000 },
  );
  return Number.parseInt(stdout.trim(), 10);
}

export interface PlaylistEntry {
  uri: string;
  duration: number;
  programDateTime: string | null;
  discontinuityBefore: boolean;
}

export function parseMediaPlaylist(text: string): { entries: PlaylistEntry[]; targetDuration: number; ended: boolean } {
  const entries: PlaylistEntry[] = [];
  let duration = 0;
  let pdt: string | null = null;
  let discontinuity = false;
  let targetDuration = 0;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.split(':')[1]);
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length);
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line && !line.startsWith('#')) {
      entries.push({ uri: line, duration, programDateTime: pdt, discontinuityBefore: discontinuity });
      pdt = null;
      discontinuity = false;
    }
  }
  return { entries, targetDuration, ended: text.includes('#EXT-X-ENDLIST') };
}

export function readPlaylist(file: string) {
  return parseMediaPlaylist(readFileSync(file, 'utf8'));
}

/** PIDs of the direct children of pid whose command is ffmpeg (read from /proc: no procps needed). */
export function ffmpegChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone already
    }
    // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === 'ffmpeg' && ppid === pid) found.push(Number(entry));
  }
  return found;
}

/**
 * The show transcoders among pid's FFmpeg children: those writing HLS. A live show's poster
 * stills and a test pattern are FFmpeg children too, and a count of every FFmpeg child caught a
 * poster grab now and then (3 children where two shows were transcoding).
 */
export function transcoderPids(pid: number): number[] {
  return ffmpegChildren(pid).filter((child) => {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
    } catch {
      return false; // gone since it was listed
    }
    // plain HLS, or HLS beside LL-HLS through the tee muxer
    return argv.some((arg, i) => arg === '-f' && (argv[i + 1] === 'hls' || (argv[i + 1] === 'tee' && argv[i + 2]?.startsWith('[f=hls'))));
  });
}

/**
 * Decode a file's video and return, per frame, the gray pixels of a region scaled down to
 * w x h (area average): a cheap fingerprint of what is drawn there.
 */
export async function regionPerFrame(file: string, crop: { x: number; y: number; w: number; h: number }, w: number, h: number): Promise<Uint8Array[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},scale=${w}:${h}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { timeout: 30_000, encoding: 'buffer', maxBuffer: 1 << 26 },
  );
  const frames: Uint8Array[] = [];
  for (let i = 0; i + w * h <= stdout.length; i += w * h) frames.push(new Uint8Array(stdout.subarray(i, i + w * h)));
  return frames;
}
