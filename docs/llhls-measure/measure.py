#!/usr/bin/env python3
"""Measure when each fMP4 fragment / TS segment becomes readable, for one FFmpeg packaging candidate."""
import os, sys, time, struct, subprocess, json, resource, re, signal

DUR = float(os.environ.get('DUR', '12'))
INPUT = ['-hide_banner', '-loglevel', 'error', '-nostdin',
         '-re', '-t', str(DUR), '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-re', '-t', str(DUR), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']
LADDER = ['-filter_complex', '[0:v]split=2[s0][s1];[s0]null[v0];[s1]scale=320:180[v1];[1:a]asplit=2[a0][a1]',
          '-map', '[v0]', '-map', '[a0]', '-map', '[v1]', '-map', '[a1]',
          '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-sc_threshold', '0',
          '-b:v:0', '800k', '-b:v:1', '300k', '-c:a', 'aac', '-b:a', '96k']

def boxes(buf, off=0, end=None):
    end = len(buf) if end is None else end
    while off + 8 <= end:
        size, typ = struct.unpack('>I4s', buf[off:off+8]); hdr = 8
        if size == 1: size = struct.unpack('>Q', buf[off+8:off+16])[0]; hdr = 16
        if size == 0: size = end - off
        if off + size > end: return
        yield typ.decode('latin1'), off, size, hdr
        off += size

def child(buf, off, size, hdr, name):
    for t, o, s, h in boxes(buf, off + hdr, off + size):
        if t == name: return o, s, h
    return None

def timescales(buf):
    """track_ID -> (timescale, handler) from a moov anywhere in buf"""
    out = {}
    for t, o, s, h in boxes(buf):
        if t != 'moov': continue
        for t2, o2, s2, h2 in boxes(buf, o + h, o + s):
            if t2 != 'trak': continue
            tkhd = child(buf, o2, s2, h2, 'tkhd'); v = buf[tkhd[0]+8]
            tid = struct.unpack('>I', buf[tkhd[0]+8+4+(16 if v else 8):][:4])[0]
            mdia = child(buf, o2, s2, h2, 'mdia'); mdhd = child(buf, *mdia, 'mdhd'); hdlr = child(buf, *mdia, 'hdlr')
            mv = buf[mdhd[0]+8]; ts = struct.unpack('>I', buf[mdhd[0]+8+4+(16 if mv else 8):][:4])[0]
            out[tid] = (ts, buf[hdlr[0]+16:hdlr[0]+20].decode())
    return out

def fragments(buf, ts):
    """[(end_offset_of_mdat, video_end_seconds, independent)]"""
    out = []; cur = None
    for t, o, s, h in boxes(buf):
        if t == 'moof':
            cur = None
            for t2, o2, s2, h2 in boxes(buf, o + h, o + s):
                if t2 != 'traf': continue
                tfhd = child(buf, o2, s2, h2, 'tfhd'); flags = struct.unpack('>I', buf[tfhd[0]+8:tfhd[0]+12])[0] & 0xffffff
                tid = struct.unpack('>I', buf[tfhd[0]+12:tfhd[0]+16])[0]
                p = tfhd[0] + 16
                if flags & 1: p += 8
                if flags & 2: p += 4
                dflt_dur = struct.unpack('>I', buf[p:p+4])[0] if flags & 8 else None
                if flags & 8: p += 4
                dflt_flags = None
                if flags & 0x10: p += 4
                if flags & 0x20: dflt_flags = struct.unpack('>I', buf[p:p+4])[0]
                tfdt = child(buf, o2, s2, h2, 'tfdt'); v = buf[tfdt[0]+8]
                base = struct.unpack('>Q' if v else '>I', buf[tfdt[0]+12:tfdt[0]+(20 if v else 16)])[0]
                dur = 0; first_flags = None
                for t3, o3, s3, h3 in boxes(buf, o2 + h2, o2 + s2):
                    if t3 != 'trun': continue
                    tf = struct.unpack('>I', buf[o3+8:o3+12])[0] & 0xffffff; n = struct.unpack('>I', buf[o3+12:o3+16])[0]
                    q = o3 + 16
                    if tf & 1: q += 4
                    if tf & 4: first_flags = struct.unpack('>I', buf[q:q+4])[0]; q += 4
                    for i in range(n):
                        d = dflt_dur
                        if tf & 0x100: d = struct.unpack('>I', buf[q:q+4])[0]; q += 4
                        if tf & 0x200: q += 4
                        if tf & 0x400:
                            if i == 0 and first_flags is None: first_flags = struct.unpack('>I', buf[q:q+4])[0]
                            q += 4
                        if tf & 0x800: q += 4
                        dur += d or 0
                if first_flags is None: first_flags = dflt_flags
                scale, hd = ts.get(tid, (None, None))
                if hd == 'vide' and scale:
                    sync = first_flags is not None and not (first_flags >> 16) & 1
                    cur = ((base + dur) / scale, dur / scale, sync)
        elif t == 'mdat' and cur is not None:
            out.append((o + s, *cur)); cur = None
    return out

def run(name, outargs, outdir, stall=None):
    os.makedirs(outdir, exist_ok=True)
    import shutil; shutil.rmtree(outdir, ignore_errors=True); os.makedirs(outdir)
    timeline = {}  # name -> [(t, size)]
    playlist_seen = {}  # uri -> t first listed
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic(); wall0 = time.time()
    prog = outdir + '.progress'
    if os.path.exists(prog): os.remove(prog)
    progress = []; pos = 0
    p = subprocess.Popen(['ffmpeg', '-progress', prog, '-stats_period', '0.1'] + INPUT + LADDER + outargs, cwd=outdir, stdout=subprocess.PIPE if stall else subprocess.DEVNULL)
    pipe_events = []; pipebuf = bytearray()
    if stall:
        os.set_blocking(p.stdout.fileno(), False)
    deadline = t0 + DUR + 15
    while p.poll() is None and time.monotonic() < deadline:
        now = time.monotonic() - t0
        if stall and not (stall[0] <= now < stall[1]):
            try:
                chunk = os.read(p.stdout.fileno(), 1 << 20)
                if chunk: pipebuf += chunk; pipe_events.append((now, len(pipebuf)))
            except BlockingIOError: pass
        try:
            with open(prog) as pf:
                pf.seek(pos); new = pf.read(); pos += len(new.encode())
            for m in re.finditer(r'out_time_us=(\d+)', new): progress.append((now, int(m.group(1)) / 1e6))
        except FileNotFoundError: pass
        for root, _, files in os.walk(outdir):
            for f in files:
                fp = os.path.join(root, f)
                try: sz = os.stat(fp).st_size
                except FileNotFoundError: continue
                key = os.path.relpath(fp, outdir); tl = timeline.setdefault(key, [])
                if not tl or tl[-1][1] != sz: tl.append((now, sz))
                if f.endswith('.m3u8') and not f.startswith('master') and not f.endswith('.tmp'):
                    try: txt = open(fp).read()
                    except FileNotFoundError: continue
                    for line in txt.splitlines():
                        if line and not line.startswith('#'):
                            playlist_seen.setdefault(os.path.join(os.path.dirname(key), line), now)
        time.sleep(0.005)
    if p.poll() is None: p.kill()
    p.wait()
    if stall:
        rest = p.stdout.read() or b''
        pipebuf += rest; pipe_events.append((time.monotonic() - t0, len(pipebuf)))
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    enc = min((t - o for t, o in progress if o > 0.5), default=0.0)
    return dict(name=name, wall0=wall0, enc=enc, cpu=cpu, timeline=timeline, playlist_seen=playlist_seen, pipe_events=pipe_events, pipebuf=bytes(pipebuf), outdir=outdir)

def first_time(tl, size):
    for t, s in tl:
        if s >= size: return t
    return None

def frag_report(res, files, init=None):
    """latency of each fragment: first time the file held its whole mdat, minus its video end time"""
    lat = []; durs = []; nsync = 0; nfr = 0; last_ts = None
    for key in files:
        data = open(os.path.join(res['outdir'], key), 'rb').read()
        ts = timescales(data) or (timescales(open(os.path.join(res['outdir'], init), 'rb').read()) if init else last_ts)
        if not ts: continue
        last_ts = ts
        tl = res['timeline'][key]
        grew = len([1 for t, s in tl if s > 0])
        for end, vend, vdur, sync in fragments(data, ts):
            t = first_time(tl, end)
            if t is not None: lat.append(t - vend)
            durs.append(vdur); nfr += 1; nsync += sync
    return lat, durs, nfr, nsync

def stats(xs):
    xs = sorted(xs)
    if not xs: return 'n/a'
    q = lambda p: xs[min(len(xs)-1, int(p * len(xs)))]
    return f'n={len(xs)} min={xs[0]:.3f} p50={q(0.5):.3f} p95={q(0.95):.3f} max={xs[-1]:.3f}'
