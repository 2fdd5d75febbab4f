import type { Rendition } from '../config/schema.js';
import { rungSizes, type RungSize } from './ladder.js';
import type { SourceInfo } from './source-probe.js';

export interface TranscodeArgsInput {
  /** local RTMP URL of the stream; it holds the stream key, so the result is never logged as is */
  inputUrl: string;
  /** <data>/media/hls/<showId> */
  outputDir: string;
  segmentSeconds: number;
  ladder: readonly Rendition[];
  preset: string;
  /** seconds without input before FFmpeg gives up on a silent publisher */
  inputTimeoutSeconds: number;
  /** append to playlists an earlier process wrote; FFmpeg marks the seam with EXT-X-DISCONTINUITY */
  continuing: boolean;
  /** what the publisher sends (probed at pipeline start): sizes the ladder, says if audio exists */
  source: Pick<SourceInfo, 'width' | 'height' | 'fps' | 'audio'>;
  /** live overlay pictures burned into every rendition (none: a plain transcode) */
  overlays?: readonly OverlayLayer[];
  /** also write each rung as CMAF fragments for LL-HLS, from the same encode (absent: plain HLS only) */
  lowLatency?: LowLatencyOutput;
}

/** The LL-HLS output: per rung, 1 s segment files of ~partSeconds CMAF fragments. */
export interface LowLatencyOutput {
  /** the folder of a rung's segment files (<outputDir>/ll-<rung>) */
  dirFor(rungName: string): string;
  partSeconds: number;
  /** the first segment number of this run: the numbering continues across FFmpeg restarts */
  startNumber: number;
}

/** A raw yuva420p file FFmpeg re-reads every frame, and where it goes on the top rendition. */
export interface OverlayLayer {
  file: string;
  width: number;
  height: number;
  x: string;
  y: string;
}

/** How often each overlay file is re-read: a change shows on the next read. */
export const OVERLAY_READ_FPS = 30;

/**
 * Frame rate cap: above 30 fps the rate is halved (60 to 30, 50 to 25), which keeps the motion
 * cadence even and costs half the encoding; a product demo gains nothing from 60 fps on a
 * 2-core box. At or below 30 fps (variable rate included) frames pass as they come.
 */
export function outputFps(sourceFps: number | null): number | null {
  if (sourceFps == null || sourceFps <= 31) return null;
  return sourceFps > 48 ? Math.round((sourceFps / 2) * 1000) / 1000 : 30;
}

/** The silent track a source without audio gets, so every player and the recording work. */
const SILENCE = 'anullsrc=channel_layout=stereo:sample_rate=48000';

// Measured on this class of machine (DESIGN.md): probing 0.5 s / 100 kB still finds both
// tracks and cuts the first segment from 3.2 s to 2.3 s after publish.
export const ANALYZE_DURATION_US = '500000';
export const PROBE_SIZE_BYTES = '100000';

/**
 * One decode, one scaler per rung, x264 + AAC per rung, HLS with aligned keyframes and
 * PROGRAM-DATE-TIME. Pure: the exact command line is asserted by tests.
 */
export function buildTranscodeArgs(input: TranscodeArgsInput): string[] {
  const { ladder, segmentSeconds, source } = input;
  const sizes = rungSizes(source, ladder);
  const overlays = input.overlays ?? [];
  const hasAudio = source.audio != null;
  const fps = outputFps(source.fps);
  const args: string[] = [
    '-hide_banner',
    '-nostdin',
    '-loglevel', 'level+warning',
    '-nostats',
    '-progress', 'pipe:1',
    '-stats_period', '1',
    '-rw_timeout', String(input.inputTimeoutSeconds * 1_000_000),
    '-analyzeduration', ANALYZE_DURATION_US,
    '-probesize', PROBE_SIZE_BYTES,
    '-i', input.inputUrl,
  ];
  for (const layer of overlays) {
    args.push(
      // a one-slot queue: the input thread cannot read pictures far ahead of the video
      '-thread_queue_size', '1',
      '-f', 'image2', '-pattern_type', 'none', '-loop', '1', '-framerate', String(OVERLAY_READ_FPS),
      '-c:v', 'rawvideo', '-pixel_format', 'yuva420p', '-video_size', `${layer.width}x${layer.height}`,
      '-i', layer.file,
    );
  }
  const graph = overlays.length ? overlayFilter(sizes, overlays, fps, hasAudio) : plainFilter(sizes, fps, hasAudio);
  args.push('-filter_complex', graph);
  const audio = (i: number) => (overlays.length || !hasAudio ? `[a${i}]` : '0:a:0');
  ladder.forEach((_, i) => args.push('-map', `[v${i}]`, '-map', audio(i)));
  args.push(
    '-c:v', 'libx264',
    '-preset', input.preset,
    // LL-HLS: no lookahead, no B-frames, slices instead of frame threads. x264 otherwise holds
    // about half a second of frames (rc-lookahead 10, 3 B-frames, a frame per thread) before the
    // first packet of a frame leaves it, more than two parts.
    ...(input.lowLatency ? ['-tune', 'zerolatency'] : []),
    '-profile:v', 'high',
    // Keyframes on the segment grid in every rung, whatever the source's GOP: players can
    // switch renditions at any segment boundary.
    '-force_key_frames', `expr:gte(t,n_forced*${segmentSeconds})`,
    '-sc_threshold', '0',
  );
  ladder.forEach((r, i) =>
    args.push(
      `-b:v:${i}`, `${r.videoKbps}k`,
      `-maxrate:v:${i}`, `${r.videoKbps}k`,
      `-bufsize:v:${i}`, `${r.videoKbps * 2}k`,
    ),
  );
  args.push('-c:a', 'aac', '-ac', '2', '-ar', '48000');
  ladder.forEach((r, i) => args.push(`-b:a:${i}`, `${r.audioKbps}k`));
  // the silence never ends: the video's end must end the output
  if (!hasAudio) args.push('-shortest');

  const flags = ['independent_segments', 'program_date_time', 'temp_file', 'omit_endlist'];
  if (input.continuing) flags.push('append_list');
  const hls: [string, string][] = [
    ['hls_time', String(segmentSeconds)],
    ['hls_list_size', '0'],
    ['hls_playlist_type', 'event'],
    ['hls_flags', flags.join('+')],
    ['hls_segment_type', 'mpegts'],
    ['hls_segment_filename', `${input.outputDir}/%v/seg_%06d.ts`],
    ['master_pl_name', 'master.m3u8'],
    ['var_stream_map', ladder.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(' ')],
  ];
  const hlsPlaylists = `${input.outputDir}/%v/index.m3u8`;
  args.push('-max_muxing_queue_size', '1024');
  if (!input.lowLatency) {
    args.push('-f', 'hls', ...hls.flatMap(([key, value]) => [`-${key}`, value]), hlsPlaylists);
    return args;
  }
  // One encode, two packagings: the tee muxer hands the same packets to the HLS muxer (the
  // recording and every plain player, unchanged) and to one segment muxer per rung writing
  // CMAF fragments for LL-HLS (docs/llhls-design.md). MP4 needs the codec headers out of band
  // (global_header); the TS output gets them back in front of every keyframe (dump_extra), as
  // x264 wrote them in-band before.
  const ll = input.lowLatency;
  args.push('-flags', '+global_header');
  const slaves = [
    teeSlave([['f', 'hls'], ['bsfs/v', 'dump_extra'], ...hls], hlsPlaylists),
    ...ladder.map((r, i) =>
      teeSlave(
        [
          ['f', 'segment'],
          ['select', `v:${i},a:${i}`],
          // a failing LL output must not take the show's plain HLS and recording with it
          ['onfail', 'ignore'],
          ...cmafSegmentOptions(segmentSeconds, ll.partSeconds, ll.startNumber),
        ],
        `${ll.dirFor(r.name)}/seg_%06d.m4s`,
      ),
    ),
  ];
  args.push('-f', 'tee', slaves.join('|'));
  return args;
}

/**
 * FFmpeg's segment muxer writing 1 s files of CMAF fragments of about partSeconds, flushed to the
 * file as each fragment is made (measured: readable ~0.1 s after the muxer got its last frame;
 * without flush_packets the same file lags 1-2.6 s). tfdt keeps the run's timeline
 * (frag_discont), so every segment of a run shares the first one's init section.
 */
export function cmafSegmentOptions(segmentSeconds: number, partSeconds: number, startNumber: number): [string, string][] {
  const movflags = '+cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont+skip_trailer';
  return [
    ['segment_time', String(segmentSeconds)],
    ['segment_start_number', String(startNumber)],
    ['reset_timestamps', '0'],
    ['segment_format', 'mp4'],
    ['segment_format_options', `movflags=${movflags}:frag_duration=${Math.round(partSeconds * 1_000_000)}:flush_packets=1`],
  ];
}

// The tee muxer reads its argument twice: it splits the outputs on "|" (av_get_token: a
// backslash makes the next character plain), then each output's "[key=value:...]" options
// (the same, splitting on "=" and ":"). A value is escaped for the second reading, the whole
// output for the first.
const escapeTeeValue = (value: string) => value.replace(/[\\':=]/g, '\\$&');
const escapeTeeOutput = (output: string) => output.replace(/[\\'|]/g, '\\$&');

/** One output of the tee muxer: its options and its file. */
export function teeSlave(options: readonly (readonly [string, string])[], file: string): string {
  return escapeTeeOutput(`[${options.map(([key, value]) => `${key}=${escapeTeeValue(value)}`).join(':')}]${file}`);
}

const scaleTo = (size: RungSize) => `scale=${size.width}:${size.height},setsar=1,format=yuv420p`;
const split = (n: number, label: string) => (n === 1 ? `[${label}0]` : `split=${n}${Array.from({ length: n }, (_, i) => `[${label}${i}]`).join('')}`);

function audioChain(rungs: number, hasAudio: boolean): string {
  const outs = Array.from({ length: rungs }, (_, i) => `[a${i}]`).join('');
  const source = hasAudio ? '[0:a]asetpts=PTS-STARTPTS' : SILENCE;
  return rungs === 1 ? `${source}${outs}` : `${source},asplit=${rungs}${outs}`;
}

/**
 * No overlays: one decode, one scaler per rung. Without source audio the video starts at 0 like
 * the silence does (RTMP timestamps need not: a resumed publish continues its old clock).
 */
function plainFilter(sizes: readonly RungSize[], fps: number | null, hasAudio: boolean): string {
  const pre = [...(hasAudio ? [] : ['setpts=PTS-STARTPTS']), ...(fps ? [`fps=${fps}`] : [])];
  const head = `[0:v]${pre.map((f) => `${f},`).join('')}`;
  const parts =
    sizes.length === 1
      ? [`${head}${scaleTo(sizes[0]!)}[v0]`]
      : [`${head}${split(sizes.length, 's')}`, ...sizes.map((size, i) => `[s${i}]${scaleTo(size)}[v${i}]`)];
  if (!hasAudio) parts.push(audioChain(sizes.length, false));
  return parts.join(';');
}

/**
 * Overlays go on the top rendition's frame, then every lower rung is scaled from it, so all
 * renditions show the same pictures. Video and audio both start at 0: the looping overlay
 * inputs do, and RTMP timestamps need not (a resumed publish continues its old clock).
 * shortest=1: the overlay inputs never end, so the video's end must end the graph.
 */
function overlayFilter(sizes: readonly RungSize[], overlays: readonly OverlayLayer[], fps: number | null, hasAudio: boolean): string {
  const top = sizes[0]!;
  const parts = [`[0:v]setpts=PTS-STARTPTS,${fps ? `fps=${fps},` : ''}scale=${top.width}:${top.height},setsar=1[o0]`];
  overlays.forEach((layer, i) => {
    parts.push(`[o${i}][${i + 1}:v]overlay=x=${layer.x}:y=${layer.y}:shortest=1:eof_action=pass[o${i + 1}]`);
  });
  const last = `[o${overlays.length}]`;
  if (sizes.length === 1) {
    parts.push(`${last}format=yuv420p[v0]`);
  } else {
    parts.push(`${last}${split(sizes.length, 's')}`);
    sizes.forEach((size, i) => parts.push(i === 0 ? `[s0]format=yuv420p[v0]` : `[s${i}]${scaleTo(size)}[v${i}]`));
  }
  parts.push(audioChain(sizes.length, hasAudio));
  return parts.join(';');
}
