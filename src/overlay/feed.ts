import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { rasterize, transparent } from './rasterize.js';
import { rgbaToYuva420p } from './yuv.js';
import type { SlotSvgs } from './render.js';
import { slotNames, type OverlayTheme, type SlotName } from './templates.js';

/** One overlay input of the FFmpeg pipeline: a raw yuva420p file it re-reads every frame. */
export interface OverlayInput {
  slot: SlotName;
  file: string;
  width: number;
  height: number;
  /** overlay filter position expressions, anchored to the frame's edges */
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

  constructor(
    private readonly theme: OverlayTheme,
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** Create every slot's file (transparent where nothing was drawn yet) and describe the inputs. */
  inputs(): OverlayInput[] {
    mkdirSync(this.dir, { recursive: true });
    return slotNames.map((slot) => {
      const spec = this.theme.slots[slot];
      const file = this.fileOf(slot);
      if (!this.lastSvg.has(slot)) {
        this.write(slot, rgbaToYuva420p(transparent(spec.width, spec.height), spec.width, spec.height));
        this.lastSvg.set(slot, null);
      }
      const x = spec.anchor.endsWith('left') ? String(spec.marginX) : `main_w-overlay_w-${spec.marginX}`;
      const y = spec.anchor.startsWith('top') ? String(spec.marginY) : `main_h-overlay_h-${spec.marginY}`;
      return { slot, file, width: spec.width, height: spec.height, x, y };
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
        const spec = this.theme.slots[slot];
        const svg = svgs[slot];
        try {
          return svg ? await rasterize(svg, spec.width, spec.height) : transparent(spec.width, spec.height);
        } catch (err) {
          // A picture that cannot be drawn leaves the slot empty rather than stale or broken.
          this.logger.error({ err, slot }, 'overlay slot could not be rendered; cleared');
          return transparent(spec.width, spec.height);
        }
      }),
    );
    mkdirSync(this.dir, { recursive: true });
    changed.forEach((slot, i) => {
      const spec = this.theme.slots[slot];
      this.write(slot, rgbaToYuva420p(pictures[i]!, spec.width, spec.height));
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
