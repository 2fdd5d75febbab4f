import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Theme } from '../domain/overlay.js';

export const slotNames = ['product', 'flash', 'qr', 'announcement', 'poll'] as const;
export type SlotName = (typeof slotNames)[number];

export type Anchor = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface SlotSpec {
  name: SlotName;
  template: string;
  width: number;
  height: number;
  anchor: Anchor;
  marginX: number;
  marginY: number;
}

export interface OverlayTheme {
  frame: { width: number; height: number };
  fontFamily: string;
  theme: Theme;
  slots: Record<SlotName, SlotSpec>;
}

/** overlays/ at the top of the project, wherever this module was built to. */
export const defaultOverlaysDir = fileURLToPath(new URL('../../overlays/default', import.meta.url));

interface Manifest {
  frame: { width: number; height: number };
  fontFamily: string;
  theme: Theme;
  slots: Record<string, Omit<SlotSpec, 'name'>>;
}

/** Reads the manifest and every template once; a missing slot or file fails at start. */
export function loadOverlayTheme(dir: string = defaultOverlaysDir): OverlayTheme {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const slots = {} as Record<SlotName, SlotSpec>;
  for (const name of slotNames) {
    const spec = manifest.slots[name];
    if (!spec) throw new Error(`overlay manifest ${dir}: slot ${name} is missing`);
    if (spec.width % 2 || spec.height % 2) throw new Error(`overlay slot ${name}: width and height must be even`);
    slots[name] = { ...spec, name, template: readFileSync(join(dir, spec.template), 'utf8') };
  }
  return { frame: manifest.frame, fontFamily: manifest.fontFamily, theme: manifest.theme, slots };
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
