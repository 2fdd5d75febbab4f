import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { HawkerError, isStorageFailure } from '../domain/errors.js';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
export const OVERLAY_IMAGE_SIZE = 120;
const THUMB_SIZE = 320;
const STORED_MAX = 1200;

export interface StoredImage {
  width: number;
  height: number;
  format: string;
}

export interface ImageLimits {
  /** decompression-bomb guard: larger images are refused from their header, before decoding */
  maxInputPixels: number;
  /** images decoded at once; each full-size decode holds about 4 bytes a pixel */
  concurrency: number;
  /** uploads that may wait for a turn; more are refused at once */
  maxQueued: number;
}

export const defaultImageLimits: ImageLimits = { maxInputPixels: 25_000_000, concurrency: 1, maxQueued: 4 };

/** At most `concurrency` jobs at once, at most `maxQueued` waiting; the rest are refused. */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** the most jobs that ran at once: what a test checks */
  peakRunning = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) {
        throw new HawkerError('IMAGES_BUSY', `${this.running} images are being processed and ${this.waiting.length} wait; try again in a moment`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    this.peakRunning = Math.max(this.peakRunning, this.running);
    try {
      return await job();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Validates an uploaded product image with sharp, strips its metadata (EXIF, GPS), and keeps
 * three sizes under <root>/<productId>/: the image itself (max 1200 px, WebP), a thumbnail,
 * and the square PNG drawn in the overlay.
 */
export class ProductImages {
  readonly queue: BoundedQueue;

  constructor(
    private readonly root: string,
    private readonly limits: ImageLimits = defaultImageLimits,
  ) {
    this.queue = new BoundedQueue(limits.concurrency, limits.maxQueued);
  }

  async store(productId: string, upload: Buffer): Promise<StoredImage> {
    const maxPixels = this.limits.maxInputPixels;
    let meta: sharp.Metadata;
    try {
      // the header only: cheap, and enough to refuse a bomb before anything is decoded
      meta = await sharp(upload, { limitInputPixels: false }).metadata();
    } catch {
      throw new HawkerError('UNSUPPORTED_IMAGE', 'not an image Hawker can read (JPEG, PNG, WebP, GIF, AVIF)');
    }
    if (!meta.format || !ACCEPTED.has(meta.format)) {
      throw new HawkerError('UNSUPPORTED_IMAGE', `images of type ${meta.format ?? 'unknown'} are not accepted`);
    }
    if (!meta.width || !meta.height) throw new HawkerError('INVALID_IMAGE', 'the image has no size');
    if (meta.width * meta.height > maxPixels) {
      const mp = (n: number) => (n / 1_000_000).toFixed(1);
      throw new HawkerError('IMAGE_TOO_LARGE', `the image is ${meta.width}x${meta.height} (${mp(meta.width * meta.height)} megapixels); at most ${mp(maxPixels)}`);
    }
    const format = meta.format;
    return this.queue.run(() => this.process(productId, upload, format, maxPixels));
  }

  private async process(productId: string, upload: Buffer, format: string, maxPixels: number): Promise<StoredImage> {
    const dir = join(this.root, productId);
    mkdirSync(dir, { recursive: true });
    try {
      // Decoded once: the full image shrinks to at most 1200 px of raw pixels, and the three
      // sizes come from that (three decodes of a big upload would triple time and memory).
      // .rotate() applies the EXIF orientation; no withMetadata(): EXIF, GPS and ICC are dropped.
      const { data, info } = await sharp(upload, { limitInputPixels: maxPixels, animated: false })
        .rotate()
        .resize(STORED_MAX, STORED_MAX, { fit: 'inside', withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const base = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
      const [image, thumb, overlay] = await Promise.all([
        base.clone().webp({ quality: 85 }).toBuffer({ resolveWithObject: true }),
        base.clone().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' }).webp({ quality: 80 }).toBuffer(),
        base.clone().resize(OVERLAY_IMAGE_SIZE, OVERLAY_IMAGE_SIZE, { fit: 'cover' }).png().toBuffer(),
      ]);
      this.writeAtomically(join(dir, 'image.webp'), image.data);
      this.writeAtomically(join(dir, 'thumb.webp'), thumb);
      this.writeAtomically(join(dir, 'overlay.png'), overlay);
      return { width: image.info.width, height: image.info.height, format };
    } catch (err) {
      // a full disk is not a bad image: the error handler answers it with 503
      if (err instanceof HawkerError || isStorageFailure(err)) throw err;
      throw new HawkerError('INVALID_IMAGE', `the image could not be decoded: ${(err as Error).message}`);
    }
  }

  /** The PNG drawn in the product card, or null when the product has none. */
  overlayPng(productId: string): Buffer | null {
    const file = join(this.root, productId, 'overlay.png');
    return existsSync(file) ? readFileSync(file) : null;
  }

  /** The stored WebP (full size or thumbnail), or null when the product has none. */
  webp(productId: string, size: 'image' | 'thumb'): Buffer | null {
    const file = join(this.root, productId, `${size}.webp`);
    return existsSync(file) ? readFileSync(file) : null;
  }

  private writeAtomically(file: string, data: Buffer): void {
    try {
      writeFileSync(`${file}.tmp`, data);
    } catch (err) {
      // a half-written file on a full disk would only hold on to the space that ran out
      rmSync(`${file}.tmp`, { force: true });
      throw err;
    }
    renameSync(`${file}.tmp`, file);
  }
}
