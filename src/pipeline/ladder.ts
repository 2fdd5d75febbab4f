import type { Rendition } from '../config/schema.js';

export type Orientation = 'landscape' | 'portrait' | 'square';

export interface FrameSize {
  width: number;
  height: number;
}

export interface RungSize extends FrameSize {
  name: string;
}

/**
 * Within 4:5 and 5:4 a frame is treated as square: such sources are rare, and a 16:9 or 9:16
 * composition squeezed into them would leave no picture uncovered.
 */
export function orientationOf(frame: FrameSize): Orientation {
  const ratio = frame.width / frame.height;
  if (ratio >= 1.25) return 'landscape';
  if (ratio <= 0.8) return 'portrait';
  return 'square';
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/**
 * Each rung's picture: its `height` in the config is the short side (720 means 1280x720 for a
 * landscape source, 720x1280 for portrait, 720x720 for square), never larger than the source's
 * (no upscaling), the long side in proportion, both even (4:2:0 and x264 need them so).
 */
export function rungSizes(source: FrameSize, ladder: readonly Rendition[]): RungSize[] {
  const short = Math.min(source.width, source.height);
  const long = Math.max(source.width, source.height);
  return ladder.map((rung) => {
    const target = Math.min(rung.height, short);
    const shortSide = Math.max(2, target - (target % 2));
    const longSide = even((long * shortSide) / short);
    return source.width >= source.height
      ? { name: rung.name, width: longSide, height: shortSide }
      : { name: rung.name, width: shortSide, height: longSide };
  });
}
