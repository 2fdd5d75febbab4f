import sys, os, json, re
sys.path.insert(0, '/tmp/llm')
from measure import *

def hls_args(segtype, extra_flags='', segopts=None):
    ext = 'ts' if segtype == 'mpegts' else 'm4s'
    a = ['-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_playlist_type', 'event',
         '-hls_flags', 'independent_segments+program_date_time+omit_endlist' + extra_flags,
         '-hls_segment_type', segtype]
    if segopts: a += ['-hls_segment_options', segopts]
    if segtype == 'fmp4': a += ['-hls_fmp4_init_filename', 'init.mp4']
    a += ['-hls_segment_filename', f'%v/seg_%06d.{ext}', '-master_pl_name', 'master.m3u8',
          '-var_stream_map', 'v:0,a:0,name:hi v:1,a:1,name:lo', '%v/index.m3u8']
    return a

def seg_listing(res, rung):
    """latency from a segment's last frame to its listing in the playlist"""
    txt = open(os.path.join(res['outdir'], rung, 'index.m3u8')).read()
    t = 0.0; lat = []
    for line in txt.splitlines():
        m = re.match(r'#EXTINF:([\d.]+)', line)
        if m: t += float(m.group(1))
        elif line and not line.startswith('#'):
            seen = res['playlist_seen'].get(os.path.join(rung, line))
            if seen is not None: lat.append(seen - t)
    return lat

which = sys.argv[1]
out = f'/tmp/llm/out-{which}'
if which == 'ts':
    r = run(which, hls_args('mpegts', '+temp_file'), out)
    for rung in ('hi', 'lo'):
        print(which, rung, 'segment listed after last frame (from spawn):', stats(seg_listing(r, rung))); print(which, rung, 'segment listed after muxer got last frame:', stats([x - r['enc'] for x in seg_listing(r, rung)]))
elif which == 'hlsfmp4':
    r = run(which, hls_args('fmp4', '', 'frag_duration=200000'), out)
    for rung in ('hi', 'lo'):
        files = sorted(k for k in r['timeline'] if k.startswith(rung + '/seg_'))
        lat, durs, n, nsync = frag_report(r, files, rung + ('/init_0.mp4' if rung == 'hi' else '/init_1.mp4'))
        print(which, rung, 'fragments', n, 'sync', nsync, 'dur', stats(durs))
        print(which, rung, 'fragment readable after last frame (from spawn):', stats(lat)); print(which, rung, 'fragment readable after muxer got its last frame:', stats([x - r['enc'] for x in lat]))
        print(which, rung, 'segment listed after last frame (from spawn):', stats(seg_listing(r, rung))); print(which, rung, 'segment listed after muxer got last frame:', stats([x - r['enc'] for x in seg_listing(r, rung)]))
        k = files[3]; print(which, rung, k, 'size timeline', [(round(t, 2), s) for t, s in r['timeline'][k]][:12])
if which in ('ts', 'hlsfmp4'): print(which, 'cpu', round(r['cpu'], 2), 'encode offset', round(r['enc'], 3))
if which in ('ts', 'hlsfmp4'): json.dump({k: v for k, v in r.items() if k != 'pipebuf'}, open(out + '.json', 'w'))

def media_report(r, rung_prefix, init=None, label=''):
    files = sorted(k for k in r['timeline'] if k.startswith(rung_prefix) and k.endswith(('.m4s', '.mp4')) and 'init' not in k)
    lat, durs, n, nsync = frag_report(r, files, init)
    print(which, label or rung_prefix, 'files', len(files), 'fragments', n, 'independent', nsync, 'dur', stats(durs))
    print(which, label or rung_prefix, 'fragment readable after muxer got its last frame:', stats([x - r['enc'] for x in lat]))
    if len(files) > 3:
        k = files[3]; print(which, label, k, 'size timeline', [(round(t, 2), s) for t, s in r['timeline'][k]][:10])

if which == 'dash':
    r = run(which, ['-f', 'dash', '-seg_duration', '1', '-frag_type', 'duration', '-frag_duration', '0.2', '-streaming', '1', '-ldash', '1',
                    '-use_template', '1', '-use_timeline', '0', '-hls_playlist', '1', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd'], out)
    print(sorted(r['timeline'])[:12])
    for s in ('0', '2'):
        media_report(r, f'chunk-stream{s}-', f'init-stream{s}.m4s', f'stream{s}')
elif which in ('segment', 'mp4file', 'pipe'):
    enc = lambda kb: ['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-sc_threshold', '0', '-b:v', kb, '-c:a', 'aac', '-b:a', '96k']
    LADDER[:] = ['-filter_complex', '[0:v]split=2[s0][s1];[s0]null[v0];[s1]scale=320:180[v1];[1:a]asplit=2[a0][a1]']
    movflags = '+cmaf+frag_keyframe+empty_moov+default_base_moof' + os.environ.get('MOVX', '')
    if which == 'segment':
        fmt = f'movflags={movflags}:frag_duration=200000' + os.environ.get('SEGX', '')
        seg = lambda d, v, a, kb: ['-map', v, '-map', a] + enc(kb) + ['-f', 'segment', '-segment_time', '1', '-segment_format', 'mp4', '-segment_format_options', fmt,
                                '-reset_timestamps', '0', '-segment_list', f'{d}_list.csv', '-segment_list_type', 'csv', f'{d}_seg_%06d.mp4']
        r = run(which, seg('hi', '[v0]', '[a0]', '800k') + seg('lo', '[v1]', '[a1]', '300k'), out)
        media_report(r, 'hi_seg', None, 'hi'); media_report(r, 'lo_seg', None, 'lo')
    elif which == 'mp4file':
        fl = os.environ.get('FLUSH', '')
        one = lambda d, v, a, kb: ['-map', v, '-map', a] + enc(kb) + (['-flush_packets', fl] if fl else []) + ['-f', 'mp4', '-movflags', movflags, '-frag_duration', '200000', f'{d}.mp4']
        r = run(which, one('hi', '[v0]', '[a0]', '800k') + one('lo', '[v1]', '[a1]', '300k'), out)
        media_report(r, 'hi.mp4', None, 'hi'); media_report(r, 'lo.mp4', None, 'lo')
    elif which == 'pipe':
        stall = (4.0, 7.0)
        r = run(which, ['-map', '[v0]', '-map', '[a0]'] + enc('800k') + ['-f', 'mp4', '-movflags', movflags, '-frag_duration', '200000', 'pipe:1',
                        '-map', '[v1]', '-map', '[a1]'] + enc('300k') + ['-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_flags', 'program_date_time', 'lo.m3u8'], out, stall=stall)
        buf = r['pipebuf']; ts = timescales(buf)
        lat = []
        for endoff, vend, vdur, sync in fragments(buf, ts):
            t = next((t for t, n in r['pipe_events'] if n >= endoff), None)
            lat.append((round(vend, 1), round(t - r['enc'] - vend, 3)))
        print('pipe fragment (video end s, readable after muxer got last frame s):', lat)
        print('pipe reads (t, bytes):', [(round(t, 2), n) for t, n in r['pipe_events']][:60])
        print('lo.m3u8 segments listed at', sorted((round(t, 2), k) for k, t in r['playlist_seen'].items()))
print(which, 'cpu', round(r['cpu'], 2), 'encode offset', round(r['enc'], 3))
if which == 'dash':
    for s in ('0', '2'):
        lat = []; 
        for k in sorted(x for x in r['timeline'] if x.startswith(f'chunk-stream{s}-') and x.endswith('.m4s')):
            data = open(os.path.join(out, k), 'rb').read(); ts = timescales(open(os.path.join(out, f'init-stream{s}.m4s'), 'rb').read())
            tl = r['timeline'].get(k + '.tmp', [])
            for end, vend, vdur, sync in fragments(data, ts):
                t = first_time(tl, end)
                if t is not None: lat.append(t - r['enc'] - vend)
        print('dash .tmp', s, 'fragment readable in the .tmp after muxer got last frame', stats(lat))
        k = sorted(x for x in r['timeline'] if x.startswith(f'chunk-stream{s}-') and x.endswith('.tmp'))[3]
        print(k, [(round(t, 2), n) for t, n in r['timeline'][k]])
