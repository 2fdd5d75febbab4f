import { execFileSync } from 'node:child_process';
import t from 'tap';
import { alphaPlane, rgbaToYuva420p } from '../../src/overlay/yuv.js';

/** Let FFmpeg itself read our yuva420p back to RGBA: what it sees is what gets burned in. */
function ffmpegReadsBack(yuva: Buffer, width: number, height: number): Buffer {
  return execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pixel_format', 'yuva420p', '-video_size', `${width}x${height}`, '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'],
    { input: yuva, timeout: 10_000 },
  );
}

t.test('colours and alpha survive the trip through FFmpeg', async (t) => {
  const colours: Array<[number, number, number, number]> = [
    [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 255], [0, 0, 0, 255], [228, 0, 43, 200], [255, 210, 74, 128], [16, 16, 24, 214],
  ];
  for (const [r, g, b, a] of colours) {
    const w = 4;
    const h = 4;
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([r, g, b, a], i * 4);
    const back = ffmpegReadsBack(rgbaToYuva420p(rgba, w, h), w, h);
    const px = [...back.subarray(0, 4)];
    t.ok(Math.abs(px[0]! - r) <= 4 && Math.abs(px[1]! - g) <= 4 && Math.abs(px[2]! - b) <= 4 && px[3] === a, `rgba(${r},${g},${b},${a}) -> rgba(${px.join(',')})`);
  }
});

t.test('the alpha plane is the input alpha, full resolution; odd sizes refused', async (t) => {
  const rgba = Buffer.alloc(2 * 2 * 4);
  rgba.set([255, 0, 0, 255], 0);
  t.same([...alphaPlane(rgbaToYuva420p(rgba, 2, 2), 2, 2)], [255, 0, 0, 0]);
  t.throws(() => rgbaToYuva420p(Buffer.alloc(3 * 2 * 4), 3, 2), /even/);
});
