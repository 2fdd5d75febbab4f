import { orientationOf, type FrameSize, type Orientation } from '../domain/frame.js';
import { slotNames, type OverlayTheme, type SafeZone, type SlotName } from './templates.js';

/** A slot on a real frame, in that frame's pixels. */
export interface SlotPlacement {
  slot: SlotName;
  x: number;
  y: number;
  /** even: the slot file is yuva420p */
  width: number;
  height: number;
  /** the template's design size (what the SVG is drawn in) ... */
  designWidth: number;
  designHeight: number;
  /** ... and template units to frame pixels */
  scale: number;
}

export interface FrameLayout {
  orientation: Orientation;
  frame: FrameSize;
  safeZone: SafeZone;
  slots: Record<SlotName, SlotPlacement>;
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/**
 * The layout for the frame's shape, fitted to its size: slot sizes scale with the frame (so a
 * 480p and a 1080p source get the same composition), margins keep their share of the frame's
 * width and height (so the safe zones, fractions of the frame, stay clear on taller frames).
 */
export function layoutFor(theme: OverlayTheme, frame: FrameSize): FrameLayout {
  const orientation = orientationOf(frame);
  const layout = theme.layouts[orientation];
  const sx = frame.width / layout.frame.width;
  const sy = frame.height / layout.frame.height;
  const fit = Math.min(sx, sy);
  const slots = {} as Record<SlotName, SlotPlacement>;
  for (const slot of slotNames) {
    const place = layout.slots[slot];
    const spec = theme.slots[slot];
    const designWidth = place.width ?? spec.width;
    const designHeight = spec.height;
    const scale = place.scale * fit;
    const width = even(designWidth * scale);
    const height = even(designHeight * scale);
    const marginX = Math.round(place.marginX * sx);
    const marginY = Math.round(place.marginY * sy);
    slots[slot] = {
      slot,
      x: place.anchor.endsWith('left') ? marginX : frame.width - width - marginX,
      y: place.anchor.startsWith('top') ? marginY : frame.height - height - marginY,
      width,
      height,
      designWidth,
      designHeight,
      scale,
    };
  }
  return { orientation, frame, safeZone: layout.safeZone, slots };
}

/** The theme as renderScene draws it for one layout: each slot at the design size it is placed at. */
export function themeForLayout(theme: OverlayTheme, layout: FrameLayout): OverlayTheme {
  const slots = { ...theme.slots };
  for (const slot of slotNames) slots[slot] = { ...slots[slot], width: layout.slots[slot].designWidth, height: layout.slots[slot].designHeight };
  return { ...theme, slots };
}
