import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { buildTranscodeArgs } from '../../src/pipeline/ffmpeg-args.js';

const base = {
  inputUrl: 'rtmp://127.0.0.1:1935/live/KEY',
  outputDir: '/data/media/hls/show1',
  segmentSeconds: 1,
  ladder: defaultConfig.pipeline.ladder,
  preset: 'veryfast',
  inputTimeoutSeconds: 3,
  continuing: false,
};

t.test('the exact command line for the default 720p + 360p ladder', async (t) => {
  t.same(buildTranscodeArgs(base).join(' '), [
    '-hide_banner -nostdin -loglevel level+warning -nostats -progress pipe:1 -stats_period 1',
    '-rw_timeout 3000000 -analyzeduration 500000 -probesize 100000',
    '-i rtmp://127.0.0.1:1935/live/KEY',
    "-filter_complex [0:v]split=2[s0][s1];[s0]scale=-2:'min(ih,720)',format=yuv420p[v0];[s1]scale=-2:'min(ih,360)',format=yuv420p[v1]",
    '-map [v0] -map 0:a:0 -map [v1] -map 0:a:0',
    '-c:v libx264 -preset veryfast -profile:v high -force_key_frames expr:gte(t,n_forced*1) -sc_threshold 0',
    '-b:v:0 3000k -maxrate:v:0 3000k -bufsize:v:0 6000k -b:v:1 800k -maxrate:v:1 800k -bufsize:v:1 1600k',
    '-c:a aac -ac 2 -ar 48000 -b:a:0 128k -b:a:1 96k',
    '-max_muxing_queue_size 1024 -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type event',
    '-hls_flags independent_segments+program_date_time+temp_file+omit_endlist -hls_segment_type mpegts',
    '-hls_segment_filename /data/media/hls/show1/%v/seg_%06d.ts -master_pl_name master.m3u8',
    '-var_stream_map v:0,a:0,name:720p v:1,a:1,name:360p',
    '/data/media/hls/show1/%v/index.m3u8',
  ].join(' '));
  // the space inside var_stream_map must stay inside one argument
  t.ok(buildTranscodeArgs(base).includes('v:0,a:0,name:720p v:1,a:1,name:360p'));
});

t.test('a restart appends to the playlists it continues', async (t) => {
  const args = buildTranscodeArgs({ ...base, continuing: true });
  t.equal(args[args.indexOf('-hls_flags') + 1], 'independent_segments+program_date_time+temp_file+omit_endlist+append_list');
});

t.test('one rung, 2 s segments, 5 s input timeout', async (t) => {
  const args = buildTranscodeArgs({
    ...base,
    segmentSeconds: 2,
    inputTimeoutSeconds: 5,
    ladder: [{ name: 'sd', height: 480, videoKbps: 1200, audioKbps: 64 }],
  });
  t.equal(args[args.indexOf('-filter_complex') + 1], "[0:v]scale=-2:'min(ih,480)',format=yuv420p[v0]");
  t.equal(args[args.indexOf('-force_key_frames') + 1], 'expr:gte(t,n_forced*2)');
  t.equal(args[args.indexOf('-hls_time') + 1], '2');
  t.equal(args[args.indexOf('-rw_timeout') + 1], '5000000');
  t.equal(args[args.indexOf('-var_stream_map') + 1], 'v:0,a:0,name:sd');
});
