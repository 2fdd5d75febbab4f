/** A video frame's size in pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

export type Orientation = 'landscape' | 'portrait' | 'square';

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
