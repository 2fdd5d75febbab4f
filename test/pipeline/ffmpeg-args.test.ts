import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { buildTranscodeArgs, outputFps, teeSlave } from '../../src/pipeline/ffmpeg-args.js';
import { orientationOf, rungSizes } from '../../src/pipeline/ladder.js';

const base = {
  inputUrl: 'rtmp://127.0.0.1:1935/live/KEY',
  outputDir: '/data/media/hls/show1',
  segmentSeconds: 1,
  ladder: defaultConfig.pipeline.ladder,
  preset: 'veryfast',
  inputTimeoutSeconds: 3,
  continuing: false,
  source: { width: 1280, height: 720, fps: 30, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } },
};

t.test('the exact command line for the default 720p + 360p ladder', async (t) => {
  t.same(buildTranscodeArgs(base).join(' '), [
    '-hide_banner -nostdin -loglevel level+warning -nostats -progress pipe:1 -stats_period 1',
    '-rw_timeout 3000000 -analyzeduration 500000 -probesize 100000',
    '-i rtmp://127.0.0.1:1935/live/KEY',
    '-filter_complex [0:v]split=2[s0][s1];[s0]scale=1280:720,setsar=1,format=yuv420p[v0];[s1]scale=640:360,setsar=1,format=yuv420p[v1]',
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

t.test('LL-HLS: one encode through the tee muxer to the HLS muxer and a CMAF segment muxer per rung', async (t) => {
  const args = buildTranscodeArgs({
    ...base,
    lowLatency: { dirFor: (rung) => `/data/media/hls/show1/ll-${rung}`, partSeconds: 0.2, startNumber: 42 },
  });
  // the encoders are the plain transcode's; nothing is encoded twice
  t.equal(args.filter((a) => a === 'libx264').length, 1);
  t.equal(args[args.indexOf('-flags') + 1], '+global_header', 'MP4 wants the codec headers out of band');
  t.equal(args[args.indexOf('-tune') + 1], 'zerolatency', 'x264 holds no frames back (lookahead, B-frames, frame threads)');
  t.notOk(buildTranscodeArgs(base).includes('-tune'), 'plain HLS keeps x264\'s defaults for the preset');
  t.equal(args.at(-3), '-f');
  t.equal(args.at(-2), 'tee');
  const outputs = args.at(-1)!;
  t.same(outputs.split('|'), [
    '[f=hls:bsfs/v=dump_extra:hls_time=1:hls_list_size=0:hls_playlist_type=event' +
      ':hls_flags=independent_segments+program_date_time+temp_file+omit_endlist:hls_segment_type=mpegts' +
      ':hls_segment_filename=/data/media/hls/show1/%v/seg_%06d.ts:master_pl_name=master.m3u8' +
      ':var_stream_map=v\\\\:0,a\\\\:0,name\\\\:720p v\\\\:1,a\\\\:1,name\\\\:360p]/data/media/hls/show1/%v/index.m3u8',
    ...['720p', '360p'].map(
      (rung, i) =>
        `[f=segment:select=v\\\\:${i},a\\\\:${i}:onfail=ignore:segment_time=1:segment_start_number=42:reset_timestamps=0:segment_format=mp4` +
        ':segment_format_options=movflags\\\\=+cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont+skip_trailer' +
        `\\\\:frag_duration\\\\=200000\\\\:flush_packets\\\\=1]/data/media/hls/show1/ll-${rung}/seg_%06d.m4s`,
    ),
  ]);
});

t.test('a tee output keeps a path with a "|" or a quote whole', async (t) => {
  t.equal(teeSlave([['f', 'segment']], "/data/it's|here/seg.m4s"), "[f=segment]/data/it\\'s\\|here/seg.m4s");
  t.equal(teeSlave([['hls_flags', 'a:b=c']], '/x'), '[hls_flags=a\\\\:b\\\\=c]/x', 'escaped for both readings');
});

t.test('one rung, 2 s segments, 5 s input timeout', async (t) => {
  const args = buildTranscodeArgs({
    ...base,
    segmentSeconds: 2,
    inputTimeoutSeconds: 5,
    ladder: [{ name: 'sd', height: 480, videoKbps: 1200, audioKbps: 64 }],
  });
  t.equal(args[args.indexOf('-filter_complex') + 1], '[0:v]scale=854:480,setsar=1,format=yuv420p[v0]');
  t.equal(args[args.indexOf('-force_key_frames') + 1], 'expr:gte(t,n_forced*2)');
  t.equal(args[args.indexOf('-hls_time') + 1], '2');
  t.equal(args[args.indexOf('-rw_timeout') + 1], '5000000');
  t.equal(args[args.indexOf('-var_stream_map') + 1], 'v:0,a:0,name:sd');
});

const ladder = defaultConfig.pipeline.ladder;
const sizesOf = (width: number, height: number) => rungSizes({ width, height }, ladder).map((r) => `${r.width}x${r.height}`);

t.test('each rung is sized by the short side of the source, never upscaled, always even', async (t) => {
  t.same(sizesOf(1920, 1080), ['1280x720', '640x360'], 'landscape');
  t.same(sizesOf(720, 1280), ['720x1280', '360x640'], 'portrait');
  t.same(sizesOf(1080, 1920), ['720x1280', '360x640'], 'portrait 1080p');
  t.same(sizesOf(720, 720), ['720x720', '360x360'], 'square');
  t.same(sizesOf(886, 1920), ['720x1560', '360x780'], 'a tall phone screen');
  t.same(sizesOf(1920, 886), ['1560x720', '780x360'], 'and its landscape twin');
  t.same(sizesOf(480, 854), ['480x854', '360x640'], 'a 480p phone stream stays 480p in the 720 rung');
  t.same(sizesOf(321, 241), ['320x240', '320x240'], 'odd sizes round down to even, still no upscale');
  for (const [w, h] of [[1080, 1920], [886, 1920], [1920, 886], [999, 1333], [641, 359]] as const) {
    for (const r of rungSizes({ width: w, height: h }, ladder)) {
      t.ok(r.width % 2 === 0 && r.height % 2 === 0 && r.width <= w + 1 && r.height <= h + 1, `${w}x${h}: ${r.width}x${r.height}`);
    }
  }
  t.equal(orientationOf({ width: 1280, height: 720 }), 'landscape');
  t.equal(orientationOf({ width: 720, height: 1280 }), 'portrait');
  t.equal(orientationOf({ width: 720, height: 720 }), 'square');
  t.equal(orientationOf({ width: 960, height: 1080 }), 'square', '8:9 is nearer square than 9:16');
});

t.test('a portrait source gets a portrait ladder', async (t) => {
  const args = buildTranscodeArgs({ ...base, source: { ...base.source, width: 1080, height: 1920 } });
  t.equal(
    args[args.indexOf('-filter_complex') + 1],
    '[0:v]split=2[s0][s1];[s0]scale=720:1280,setsar=1,format=yuv420p[v0];[s1]scale=360:640,setsar=1,format=yuv420p[v1]',
  );
});

t.test('a source without audio gets a silent stereo AAC track, and the video ends the output', async (t) => {
  const args = buildTranscodeArgs({ ...base, source: { ...base.source, audio: null } });
  t.equal(
    args[args.indexOf('-filter_complex') + 1],
    '[0:v]setpts=PTS-STARTPTS,split=2[s0][s1];[s0]scale=1280:720,setsar=1,format=yuv420p[v0];[s1]scale=640:360,setsar=1,format=yuv420p[v1];' +
      'anullsrc=channel_layout=stereo:sample_rate=48000,asplit=2[a0][a1]',
  );
  t.equal(args.filter((a) => a === '-map').length, 4);
  t.same(args.slice(args.indexOf('-map'), args.indexOf('-map') + 8), ['-map', '[v0]', '-map', '[a0]', '-map', '[v1]', '-map', '[a1]']);
  t.ok(args.includes('-shortest'));
  t.notOk(args.join(' ').includes('0:a'), 'nothing asks for the missing track');

  const overlaid = buildTranscodeArgs({
    ...base,
    source: { width: 720, height: 1280, fps: 60, audio: null },
    overlays: [{ file: '/o/product.yuva', width: 200, height: 100, x: '24', y: '900' }],
  });
  t.equal(
    overlaid[overlaid.indexOf('-filter_complex') + 1],
    '[0:v]setpts=PTS-STARTPTS,fps=30,scale=720:1280,setsar=1[o0];[o0][1:v]overlay=x=24:y=900:shortest=1:eof_action=pass[o1];' +
      '[o1]split=2[s0][s1];[s0]format=yuv420p[v0];[s1]scale=360:640,setsar=1,format=yuv420p[v1];' +
      'anullsrc=channel_layout=stereo:sample_rate=48000,asplit=2[a0][a1]',
  );
  t.notOk(overlaid.join(' ').includes('0:a'));
});

t.test('above 30 fps the rate is halved; 30 fps and below (or unknown) pass as they come', async (t) => {
  t.equal(outputFps(60), 30);
  t.equal(outputFps(59.94), 29.97);
  t.equal(outputFps(50), 25);
  t.equal(outputFps(30), null);
  t.equal(outputFps(25), null);
  t.equal(outputFps(null), null);
  const args = buildTranscodeArgs({ ...base, source: { ...base.source, fps: 50 } });
  t.match(args[args.indexOf('-filter_complex') + 1], /^\[0:v\]fps=25,split=2/);
});
