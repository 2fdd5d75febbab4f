import { watch, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
const dir = '/tmp/llm/w/hi';
const events = []; const t0 = performance.now();
const sizes = new Map();
const w = watch(dir, (type, name) => {
  if (!name) return;
  let size = -1; try { size = statSync(`${dir}/${name}`).size; } catch {}
  if (sizes.get(name) !== size) { sizes.set(name, size); events.push([performance.now() - t0, type, name, size]); }
});
const ff = spawn('ffmpeg', ['-hide_banner','-loglevel','error','-nostdin','-re','-t','6','-f','lavfi','-i','testsrc2=size=640x360:rate=30','-re','-t','6','-f','lavfi','-i','sine',
 '-map','0:v','-map','1:a','-c:v','libx264','-preset','ultrafast','-force_key_frames','expr:gte(t,n_forced*1)','-c:a','aac','-f','segment','-segment_time','1','-reset_timestamps','0','-segment_format','mp4',
 '-segment_format_options','movflags=+cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont+skip_trailer:frag_duration=200000:flush_packets=1', `${dir}/seg_%06d.m4s`], { stdio: ['ignore','ignore','inherit'], timeout: 30000 });
ff.on('exit', (code) => { console.log('exit', code);
  w.close();
  const seg2 = events.filter((e) => e[2] === 'seg_000002.m4s');
  console.log('events', events.length, 'size changes seen for seg 2:', seg2.map((e) => `${(e[0]/1000).toFixed(2)}s ${e[1]} ${e[3]}`).join(', '));
  const gaps = []; for (let i = 1; i < seg2.length; i++) gaps.push(seg2[i][0] - seg2[i-1][0]);
  console.log('gaps ms', gaps.map((g) => g.toFixed(0)).join(' '));
});
