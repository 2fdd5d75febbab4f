import { execFile } from 'node:child_process';

/** What a publisher sends, as FFmpeg's own demuxer and decoders see it. */
export interface SourceInfo {
  /** the decoded picture's size (what the ladder and the overlay layout are built on) */
  width: number;
  height: number;
  /** average frames per second; null when the stream does not say (variable frame rate) */
  fps: number | null;
  videoCodec: string;
  /** null: the source has no audio track (the transcoder adds silence) */
  audio: { codec: string; sampleRate: number; channels: number } | null;
}

/** A source Hawker cannot transcode: the message is for the host (the cockpit shows it). */
export class SourceRefused extends Error {
  override readonly name = 'SourceRefused';
}

/** The probe itself failed (no answer in time, ffprobe missing): say so, then try anyway. */
export class ProbeFailed extends Error {
  override readonly name = 'ProbeFailed';
}

/** Larger than any phone or camera sends today; past this the box cannot transcode live anyway. */
const MAX_SIDE = 4096;
const MIN_SIDE = 16;

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
  }>;
  frames?: Array<{ media_type?: string; width?: number; height?: number }>;
}

function rate(text: string | undefined): number | null {
  const [num, den] = (text ?? '').split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return null;
  return num / den;
}

/**
 * What ffprobe said about a source, or why Hawker refuses it. A video track must exist and a
 * frame of it must have been decoded here: a codec this FFmpeg has no decoder for is refused
 * now, rather than restarting a transcoder that can never start.
 */
export function sourceFromProbe(json: ProbeJson): SourceInfo {
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video) throw new SourceRefused('the stream has no video track');
  const codec = video.codec_name ?? 'unknown';
  const decoded = (json.frames ?? []).find((f) => f.media_type === 'video' && f.width && f.height);
  if (!decoded) throw new SourceRefused(`the video codec (${codec}) cannot be decoded here; send H.264 video`);
  const width = decoded.width!;
  const height = decoded.height!;
  if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE) {
    throw new SourceRefused(`the video is ${width}x${height}; Hawker takes ${MIN_SIDE} to ${MAX_SIDE} pixels a side`);
  }
  const audio = streams.find((s) => s.codec_type === 'audio' && s.codec_name && Number(s.sample_rate) > 0);
  return {
    width,
    height,
    fps: rate(video.avg_frame_rate),
    videoCodec: codec,
    audio: audio ? { codec: audio.codec_name!, sampleRate: Number(audio.sample_rate), channels: audio.channels ?? 0 } : null,
  };
}

export interface ProbeOptions {
  ffprobePath: string;
  /** holds an internal stream name, never a key; still not logged */
  url: string;
  timeoutMs: number;
}

/**
 * Asks ffprobe about the stream being published, reading it as the transcoder will (same
 * analysis budget), decoding the first video frame. ffprobe rather than the publisher's
 * onMetaData: metadata is optional, phone apps fill it in loosely (or send the camera's
 * size before rotation), and it cannot say whether this FFmpeg decodes the codec.
 */
export function probeSource(options: ProbeOptions, analyzeDurationUs: string, probeSizeBytes: string): Promise<SourceInfo> {
  const args = [
    '-v', 'error',
    '-rw_timeout', String(options.timeoutMs * 1000),
    '-analyzeduration', analyzeDurationUs,
    '-probesize', probeSizeBytes,
    '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate,sample_rate,channels:frame=media_type,width,height',
    // enough packets for a decoded video frame after the audio that may come first
    '-read_intervals', '%+#30',
    '-of', 'json',
    options.url,
  ];
  return new Promise((resolve, reject) => {
    // execFile kills the child by its PID (SIGKILL) when the timeout passes
    execFile(options.ffprobePath, args, { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = String(stderr).split('\n').find((line) => line.trim()) ?? err.message;
        reject(new ProbeFailed(`ffprobe failed: ${detail.replace(options.url, '<stream>').slice(0, 300)}`));
        return;
      }
      try {
        resolve(sourceFromProbe(JSON.parse(stdout) as ProbeJson));
      } catch (e) {
        reject(e instanceof SourceRefused ? e : new ProbeFailed(`ffprobe answered something unreadable: ${String(e)}`));
      }
    });
  });
}
