import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameSize, Orientation } from '../domain/frame.js';
import type { Theme } from '../domain/overlay.js';

export const slotNames = ['product', 'flash', 'qr', 'announcement', 'poll'] as const;
export type SlotName = (typeof slotNames)[number];

export type Anchor = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** A slot's template and the size it is designed at (template units; a layout scales it). */
export interface SlotSpec {
  name: SlotName;
  template: string;
  width: number;
  height: number;
}

/** Where a layout puts a slot, in pixels of the layout's design frame. */
export interface SlotLayout {
  anchor: Anchor;
  /** from the anchored edges of the design frame; scaled with the frame's width and height */
  marginX: number;
  marginY: number;
  /** template units to design-frame pixels */
  scale: number;
  /** a wider or narrower drawing of a stretchable template (the announcement bar) */
  width?: number;
}

/** Fractions of the frame a phone player covers with its own controls: nothing goes there. */
export interface SafeZone {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface OverlayLayout {
  /** the frame the layout is designed on; other sizes of the same shape get the same composition */
  frame: FrameSize;
  safeZone: SafeZone;
  slots: Record<SlotName, SlotLayout>;
}

export interface OverlayTheme {
  fontFamily: string;
  theme: Theme;
  slots: Record<SlotName, SlotSpec>;
  layouts: Record<Orientation, OverlayLayout>;
}

/** overlays/ at the top of the project, wherever this module was built to. */
export const defaultOverlaysDir = fileURLToPath(new URL('../../overlays/default', import.meta.url));

interface Manifest {
  fontFamily: string;
  theme: Theme;
  slots: Record<string, Omit<SlotSpec, 'name'>>;
  layouts: Record<string, { frame: FrameSize; safeZone: SafeZone; slots: Record<string, SlotLayout> }>;
}

const orientations: readonly Orientation[] = ['landscape', 'portrait', 'square'];

/** Reads the manifest and every template once; a missing slot, layout or file fails at start. */
export function loadOverlayTheme(dir: string = defaultOverlaysDir): OverlayTheme {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const slots = {} as Record<SlotName, SlotSpec>;
  for (const name of slotNames) {
    const spec = manifest.slots[name];
    if (!spec) throw new Error(`overlay manifest ${dir}: slot ${name} is missing`);
    slots[name] = { ...spec, name, template: readFileSync(join(dir, spec.template), 'utf8') };
  }
  const layouts = {} as Record<Orientation, OverlayLayout>;
  for (const orientation of orientations) {
    const layout = manifest.layouts?.[orientation];
    if (!layout) throw new Error(`overlay manifest ${dir}: layout ${orientation} is missing`);
    const placed = {} as Record<SlotName, SlotLayout>;
    for (const name of slotNames) {
      const slot = layout.slots[name];
      if (!slot || !(slot.scale > 0)) throw new Error(`overlay manifest ${dir}: layout ${orientation} has no scale for slot ${name}`);
      placed[name] = slot;
    }
    layouts[orientation] = { frame: layout.frame, safeZone: layout.safeZone, slots: placed };
  }
  return { fontFamily: manifest.fontFamily, theme: manifest.theme, slots, layouts };
}

/**
 * Fill `{{name}}` placeholders. Values are inserted as given: callers pass text through
 * escapeXml and everything else (numbers, colours, data: URIs) comes from our own code.
 */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`overlay template needs a value for {{${key}}}`);
    return String(value);
  });
}
