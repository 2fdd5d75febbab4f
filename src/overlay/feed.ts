import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { rasterize, transparent } from './rasterize.js';
import { rgbaToYuva420p } from './yuv.js';
import { themeForLayout, type FrameLayout } from './layout.js';
import type { SlotSvgs } from './render.js';
import { slotNames, type OverlayTheme, type SlotName } from './templates.js';

/** One overlay input of the FFmpeg pipeline: a raw yuva420p file it re-reads every frame. */
export interface OverlayInput {
  slot: SlotName;
  file: string;
  width: number;
  height: number;
  /** overlay filter position on the top rendition's frame, in pixels */
  x: string;
  y: string;
}

export interface FeedUpdate {
  changed: SlotName[];
  renderMs: number;
  /** wall clock when the last changed file was in place for FFmpeg to read */
  writtenAt: number;
}

/**
 * The live feed from the overlay renderer into a running FFmpeg: one raw yuva420p file per slot,
 * replaced atomically (write + rename) whenever that slot's picture changes. FFmpeg reads each
 * file as a looping image at the video's frame rate, so the main video never waits for us:
 * when nothing changes FFmpeg re-reads the same bytes, and a rename is seen on its next read.
 */
export class OverlayFeed {
  private readonly lastSvg = new Map<SlotName, string | null>();
  private queue: Promise<unknown> = Promise.resolve();
  private pending: SlotSvgs | null = null;
  /** set when a feed for another frame replaces this one: a draw in flight then writes nothing */
  private closed = false;
  /** the theme as renderScene must draw it for this feed's layout */
  readonly drawTheme: OverlayTheme;

  constructor(
    theme: OverlayTheme,
    /** where each slot goes on the frame FFmpeg overlays it on */
    readonly layout: FrameLayout,
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.drawTheme = themeForLayout(theme, layout);
  }

  /** Stop writing (a feed for another frame size takes over the same files). */
  close(): void {
    this.closed = true;
  }

  /** Create every slot's file (transparent where nothing was drawn yet) and describe the inputs. */
  inputs(): OverlayInput[] {
    mkdirSync(this.dir, { recursive: true });
    return slotNames.map((slot) => {
      const place = this.layout.slots[slot];
      const file = this.fileOf(slot);
      if (!this.lastSvg.has(slot)) {
        this.write(slot, rgbaToYuva420p(transparent(place.width, place.height), place.width, place.height));
        this.lastSvg.set(slot, null);
      }
      return { slot, file, width: place.width, height: place.height, x: String(place.x), y: String(place.y) };
    });
  }

  /**
   * Draw what changed. Updates run one at a time and coalesce: under a burst of changes only
   * the newest state is drawn after the one in progress, so the feed never falls behind.
   */
  update(svgs: SlotSvgs): Promise<FeedUpdate> {
    this.pending = svgs;
    const run = this.queue.then(() => {
      const next = this.pending;
      this.pending = null;
      return next ? this.draw(next) : { changed: [], renderMs: 0, writtenAt: Date.now() };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async draw(svgs: SlotSvgs): Promise<FeedUpdate> {
    const started = performance.now();
    const changed = slotNames.filter((slot) => (this.lastSvg.get(slot) ?? null) !== svgs[slot]);
    const pictures = await Promise.all(
      changed.map(async (slot) => {
        const place = this.layout.slots[slot];
        const svg = svgs[slot];
        try {
          return svg ? await rasterize(svg, place.width, place.height, place.scale) : transparent(place.width, place.height);
        } catch (err) {
          // A picture that cannot be drawn leaves the slot empty rather than stale or broken.
          this.logger.error({ err, slot }, 'overlay slot could not be rendered; cleared');
          return transparent(place.width, place.height);
        }
      }),
    );
    if (this.closed) return { changed: [], renderMs: performance.now() - started, writtenAt: Date.now() };
    mkdirSync(this.dir, { recursive: true });
    changed.forEach((slot, i) => {
      const place = this.layout.slots[slot];
      this.write(slot, rgbaToYuva420p(pictures[i]!, place.width, place.height));
      this.lastSvg.set(slot, svgs[slot]);
    });
    return { changed, renderMs: performance.now() - started, writtenAt: Date.now() };
  }

  private fileOf(slot: SlotName): string {
    return join(this.dir, `${slot}.yuva`);
  }

  private write(slot: SlotName, yuva: Buffer): void {
    const file = this.fileOf(slot);
    writeFileSync(`${file}.tmp`, yuva);
    renameSync(`${file}.tmp`, file);
  }
}
