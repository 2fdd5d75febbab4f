import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { HawkerError, isStorageFailure } from '../domain/errors.js';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
/** decompression-bomb guard: 40 megapixels */
const MAX_INPUT_PIXELS = 40_000_000;
export const OVERLAY_IMAGE_SIZE = 120;
const THUMB_SIZE = 320;
const STORED_MAX = 1200;

export interface StoredImage {
  width: number;
  height: number;
  format: string;
}

/**
 * Validates an uploaded product image with sharp, strips its metadata (EXIF, GPS), and keeps
 * three sizes under <root>/<productId>/: the image itself (max 1200 px, WebP), a thumbnail,
 * and the square PNG drawn in the overlay.
 */
export class ProductImages {
  constructor(private readonly root: string) {}

  async store(productId: string, upload: Buffer): Promise<StoredImage> {
    let meta: sharp.Metadata;
    try {
      meta = await sharp(upload, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    } catch {
      throw new HawkerError('UNSUPPORTED_IMAGE', 'not an image Hawker can read (JPEG, PNG, WebP, GIF, AVIF)');
    }
    if (!meta.format || !ACCEPTED.has(meta.format)) {
      throw new HawkerError('UNSUPPORTED_IMAGE', `images of type ${meta.format ?? 'unknown'} are not accepted`);
    }
    if (!meta.width || !meta.height || meta.width * meta.height > MAX_INPUT_PIXELS) {
      throw new HawkerError('INVALID_IMAGE', `the image is ${meta.width}x${meta.height}; at most 40 megapixels`);
    }
    const dir = join(this.root, productId);
    mkdirSync(dir, { recursive: true });
    try {
      // .rotate() applies the EXIF orientation; no withMetadata(): EXIF, GPS and ICC are dropped
      const base = sharp(upload, { limitInputPixels: MAX_INPUT_PIXELS, animated: false }).rotate();
      const [image, thumb, overlay] = await Promise.all([
        base.clone().resize(STORED_MAX, STORED_MAX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 85 }).toBuffer({ resolveWithObject: true }),
        base.clone().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' }).webp({ quality: 80 }).toBuffer(),
        base.clone().resize(OVERLAY_IMAGE_SIZE, OVERLAY_IMAGE_SIZE, { fit: 'cover' }).png().toBuffer(),
      ]);
      this.writeAtomically(join(dir, 'image.webp'), image.data);
      this.writeAtomically(join(dir, 'thumb.webp'), thumb);
      this.writeAtomically(join(dir, 'overlay.png'), overlay);
      return { width: image.info.width, height: image.info.height, format: meta.format };
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
