// Shared by the benchmarks: a publisher that burns its frame number into the picture and
// knows when it made each frame, a reader for that barcode, CPU accounting from /proc, and
// the Hawker server process the load benchmarks run against.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { themeForLayout, type FrameLayout } from '../../src/overlay/layout.js';
import { rasterize } from '../../src/overlay/rasterize.js';
import { renderScene, type OverlayScene } from '../../src/overlay/render.js';
import { slotNames, type OverlayTheme } from '../../src/overlay/templates.js';

export const FPS = 30;
export const BITS = 16;
export const BOX = 40;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** The frame number as 16 black/white boxes along the top-left edge. */
export function barcodeFilter(): string {
  const boxes = [`drawbox=x=0:y=0:w=${BITS * BOX}:h=${BOX}:color=black:t=fill`];
  for (let i = 0; i < BITS; i++) {
    boxes.push(`drawbox=x=${i * BOX}:y=0:w=${BOX}:h=${BOX}:color=white:t=fill:enable='eq(mod(floor(n/${2 ** i}),2),1)'`);
  }
  return boxes.join(',');
}

export interface BenchPublisher {
  child: ChildProcess;
  /** wall-clock ms at which frame n was made: t0 + n / FPS */
  frameMadeAt(n: number): number;
  stop(): void;
}

export function publish(url: string, seconds: number, source = `testsrc2=size=1280x720:rate=${FPS}`): BenchPublisher {
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.1', '-re',
      '-f', 'lavfi', '-i', source,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds), '-vf', barcodeFilter(),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(FPS), '-b:v', '3000k',
      '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Progress reports come after the frame is made; the earliest (report time - frame/FPS) is
  // the best estimate of when frame 0 was made.
  let t0 = Number.POSITIVE_INFINITY;
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const now = Date.now();
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^frame=(\d+)/.exec(line);
      if (m && Number(m[1]) > 0) t0 = Math.min(t0, now - (Number(m[1]) / FPS) * 1000);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
  child.once('exit', () => clearTimeout(killer));
  return { child, frameMadeAt: (n) => t0 + (n / FPS) * 1000, stop: () => void child.kill('SIGKILL') };
}

/** Read the barcode of the last frame of a segment. */
export function lastFrameNumber(segment: string): number {
  const raw = execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', segment, '-vf', `crop=${BITS * BOX}:${BOX}:0:0,scale=${BITS}:1:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { timeout: 15_000, maxBuffer: 1 << 24 },
  );
  const last = raw.subarray(raw.length - BITS);
  let n = 0;
  for (let i = 0; i < BITS; i++) if (last[i]! > 128) n += 2 ** i;
  return n;
}

export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** A process's resident memory (VmRSS) or its peak (VmHWM), in MB; NaN once it is gone. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** user and kernel CPU seconds of a process (the kernel's share holds its fsyncs and socket writes) */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK }; // utime, stime
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};


/** Frame numbers of every frame of a file, read from the barcode. */
export function frameNumbers(file: string): number[] {
  const raw = execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `crop=${BITS * BOX}:${BOX}:0:0,scale=${BITS}:1:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { timeout: 15_000, maxBuffer: 1 << 24 },
  );
  const out: number[] = [];
  for (let f = 0; f + BITS <= raw.length; f += BITS) {
    let n = 0;
    for (let i = 0; i < BITS; i++) if (raw[f + i]! > 128) n += 2 ** i;
    out.push(n);
  }
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Bare FFmpeg as its own RTMP server (`-listen 1` is added before its input): start it, publish
 * the benchmark source to it, wait for its first playlist, then measure its CPU (cores) for
 * `seconds`. Everything it started is killed on the way out.
 */
export async function bareFfmpegCpu(args: string[], url: string, playlist: string, seconds: number, source?: string): Promise<number> {
  const listening = [...args];
  listening.splice(listening.indexOf('-i'), 0, '-listen', '1');
  const ff = spawn('ffmpeg', listening, { stdio: ['ignore', 'ignore', 'inherit'] });
  const killer = setTimeout(() => ff.kill('SIGKILL'), (seconds + 60) * 1000);
  await new Promise((r) => setTimeout(r, 500));
  const publisher = publish(url, seconds + 30, source);
  try {
    const deadline = Date.now() + 30_000;
    while (!existsSync(playlist)) {
      if (Date.now() > deadline) throw new Error(`bare FFmpeg wrote no ${playlist}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const start = { cpu: cpuSeconds(ff.pid!), at: Date.now() };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return (cpuSeconds(ff.pid!) - start.cpu) / ((Date.now() - start.at) / 1000);
  } finally {
    publisher.stop();
    ff.kill('SIGKILL');
    clearTimeout(killer);
  }
}

/**
 * Hawker's transcode arguments with each live overlay input (a raw file re-read every frame)
 * replaced by a plain picture input that the overlay filter repeats: what one would run with
 * static overlays and no Hawker.
 */
export function withStaticOverlays(args: readonly string[]): string[] {
  const bare: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-thread_queue_size' && args[i + 2] === '-f' && args[i + 3] === 'image2') {
      const at = args.indexOf('-i', i);
      bare.push('-i', args[at + 1]!);
      i = at + 1;
      continue;
    }
    bare.push(args[i]!);
  }
  const filter = bare.indexOf('-filter_complex') + 1;
  // a one-frame picture ends at once: repeat it, and let the video alone decide the end
  bare[filter] = bare[filter]!.replaceAll(':shortest=1:eof_action=pass', ':eof_action=repeat');
  return bare;
}

export interface BenchServer {
  pid: number;
  base: string;
  httpPort: number;
  dataDir: string;
  /** SIGKILL the process group (the server and any FFmpeg it started); the data dir is removed */
  stop(): void;
}

/**
 * Hawker as `npm start` runs it, for benchmarks that put load on it: its output is discarded
 * (test/helpers/server-process.ts parses every log line, which would spend the cores being
 * measured), so it is ready when /healthz answers, not on a log line.
 */
export async function startBenchServer(o: { name: string; token: string; configYaml: string; logLevel?: string; nodeArgs?: string[]; compiled?: boolean; cwd?: string }): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `hawker-bench-${o.name}-`));
  const config = join(dataDir, 'hawker.yaml');
  writeFileSync(config, o.configYaml);
  const [httpPort, rtmpPort] = [await freePort(), await freePort()];
  // compiled: dist/main.js as `npm start` runs it (npm run build first), else src/ through tsx
  const entry = o.compiled ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...entry], {
    // another checkout of Hawker (an A/B run against an older commit), else this one
    ...(o.cwd ? { cwd: o.cwd } : {}),
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      HAWKER_DATA_DIR: dataDir,
      HAWKER_HTTP_HOST: '127.0.0.1',
      HAWKER_HTTP_PORT: String(httpPort),
      HAWKER_RTMP_HOST: '127.0.0.1',
      HAWKER_RTMP_PORT: String(rtmpPort),
      HAWKER_ADMIN_TOKEN: o.token,
      HAWKER_LOG_LEVEL: o.logLevel ?? 'warn',
      HAWKER_CONFIG: config,
    },
  });
  const pid = child.pid!;
  const stop = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) return { pid, base, httpPort, dataDir, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`the server did not start (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The scene's five slots as still PNG files placed by the layout: what the bare-FFmpeg baseline
 * overlays (Hawker draws the same pictures live).
 */
export async function staticOverlayLayers(theme: OverlayTheme, layout: FrameLayout, scene: OverlayScene, dir: string) {
  const svgs = renderScene(themeForLayout(theme, layout), scene);
  const layers = [];
  for (const slot of slotNames) {
    const place = layout.slots[slot];
    const file = join(dir, `${slot}.png`);
    const svg = svgs[slot];
    await sharp(svg ? await rasterize(svg, place.width, place.height, place.scale) : Buffer.alloc(place.width * place.height * 4), { raw: { width: place.width, height: place.height, channels: 4 } }).png().toFile(file);
    layers.push({ file, width: place.width, height: place.height, x: String(place.x), y: String(place.y) });
  }
  return layers;
}
