/**
 * Straight RGBA -> planar YUVA 4:2:0 (BT.601, limited range: what FFmpeg assumes for an
 * untagged raw input and what x264 gets). FFmpeg's overlay filter blends yuva420p pictures onto
 * yuv420p video directly; handing it RGBA instead costs a colour conversion of every slot on
 * every frame. Chroma of a 2x2 block is averaged with alpha weights, so transparent pixels do
 * not bleed their (meaningless) colour into the edges of what is drawn.
 */
export function rgbaToYuva420p(rgba: Buffer, width: number, height: number): Buffer {
  if (width % 2 || height % 2) throw new Error(`yuva420p needs even sizes, got ${width}x${height}`);
  const ySize = width * height;
  const cSize = ySize / 4;
  const out = Buffer.alloc(ySize * 2 + cSize * 2);
  const uOff = ySize;
  const vOff = ySize + cSize;
  const aOff = ySize + cSize * 2;
  for (let i = 0, p = 0; i < ySize; i++, p += 4) {
    const r = rgba[p]!;
    const g = rgba[p + 1]!;
    const b = rgba[p + 2]!;
    out[i] = (66 * r + 129 * g + 25 * b + 128 + 4096) >> 8; // 16..235
    out[aOff + i] = rgba[p + 3]!;
  }
  const cw = width / 2;
  for (let cy = 0; cy < height / 2; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let u = 0;
      let v = 0;
      let weight = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const p = ((cy * 2 + dy) * width + cx * 2 + dx) * 4;
          const a = rgba[p + 3]! + 1; // +1: a fully transparent block still averages to something
          const r = rgba[p]!;
          const g = rgba[p + 1]!;
          const b = rgba[p + 2]!;
          u += a * (-38 * r - 74 * g + 112 * b);
          v += a * (112 * r - 94 * g - 18 * b);
          weight += a;
        }
      }
      const c = cy * cw + cx;
      out[uOff + c] = Math.max(16, Math.min(240, Math.round(u / weight / 256) + 128));
      out[vOff + c] = Math.max(16, Math.min(240, Math.round(v / weight / 256) + 128));
    }
  }
  return out;
}

/** The alpha plane of a yuva420p picture (to tell drawn pixels from transparent ones). */
export function alphaPlane(yuva: Buffer, width: number, height: number): Buffer {
  const ySize = width * height;
  return yuva.subarray(ySize + ySize / 2, ySize * 2 + ySize / 2);
}
