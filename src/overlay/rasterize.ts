import sharp from 'sharp';

/**
 * SVG -> straight (not premultiplied) RGBA at exactly width x height, as FFmpeg's rgba reads it.
 * scale: how many pixels per SVG unit; the vector drawing is rendered at that density (crisp
 * text at any frame size), the resize only evens out the last pixel.
 */
export async function rasterize(svg: string, width: number, height: number, scale = 1): Promise<Buffer> {
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 * scale })
    .resize(width, height, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 4) {
    throw new Error(`overlay rendered ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x4`);
  }
  return data;
}

export function transparent(width: number, height: number): Buffer {
  return Buffer.alloc(width * height * 4);
}
