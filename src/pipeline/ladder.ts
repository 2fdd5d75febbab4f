import type { Rendition } from '../config/schema.js';
import type { FrameSize } from '../domain/frame.js';

export { orientationOf, type FrameSize, type Orientation } from '../domain/frame.js';

export interface RungSize extends FrameSize {
  name: string;
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
