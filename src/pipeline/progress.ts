/** One block of FFmpeg's `-progress` output (key=value lines ending with progress=...). */
export interface EncodeProgress {
  frame: number;
  fps: number;
  /** encode speed relative to real time: 1 keeps up with a live source */
  speed: number;
  outTimeMs: number;
  droppedFrames: number;
  duplicatedFrames: number;
  ended: boolean;
}

function num(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number.parseFloat(value.replace(/x$/, ''));
  return Number.isFinite(n) ? n : 0;
}

/** Feed it chunks of stdout; it calls back once per completed block. */
export class ProgressParser {
  private pending = '';
  private block = new Map<string, string>();

  constructor(private readonly onProgress: (progress: EncodeProgress) => void) {}

  push(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline).trim();
      this.pending = this.pending.slice(newline + 1);
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      this.block.set(key, value);
      if (key === 'progress') this.flush(value === 'end');
    }
    // A line without a newline this long is not FFmpeg progress; do not let it grow.
    if (this.pending.length > 4096) this.pending = '';
  }

  private flush(ended: boolean): void {
    const b = this.block;
    const outTimeUs = b.get('out_time_us') ?? b.get('out_time_ms');
    this.onProgress({
      frame: num(b.get('frame')),
      fps: num(b.get('fps')),
      speed: num(b.get('speed')),
      outTimeMs: Math.max(0, Math.round(num(outTimeUs) / 1000)),
      droppedFrames: num(b.get('drop_frames')),
      duplicatedFrames: num(b.get('dup_frames')),
      ended,
    });
    this.block = new Map();
  }
}
