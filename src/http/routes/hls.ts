import { open, readFile, type FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HawkerError } from '../../domain/errors.js';

export interface HlsRoutesOptions {
  /** <data>/media/hls */
  hlsRoot: string;
  /** whether the show's media is for everyone: not while it is scheduled (a rehearsal is private) */
  isPublic(showId: string): boolean;
  /** the admin token or the cockpit's session: the preview of a rehearsal */
  isAdmin(request: FastifyRequest): boolean;
}

const contentTypes: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  // a clip's poster (clips/<clipId>.jpg)
  '.jpg': 'image/jpeg',
};

// Show id, then at most one variant folder, then a file: nothing else is ever served.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/**
 * Passes exactly `size` bytes and fails if the file ends sooner (truncated under us): a short
 * body must end the connection, not leave a keep-alive client waiting for the rest.
 */
class ExactLength extends Transform {
  private seen = 0;
  constructor(private readonly size: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const room = this.size - this.seen;
    if (room <= 0) return done();
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.seen += part.length;
    done(null, part);
  }
  override _flush(done: TransformCallback): void {
    done(this.seen === this.size ? null : new Error(`file shrank while it was sent (${this.seen} of ${this.size} bytes)`));
  }
}

function corsHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
  reply.header('access-control-allow-headers', 'Range');
  reply.header('access-control-expose-headers', 'Content-Length, Content-Range');
}

/** The show's HLS output, for players on any origin and for a CDN in front. */
export const hlsRoutes: FastifyPluginAsync<HlsRoutesOptions> = async (app, { hlsRoot, isPublic, isAdmin }) => {
  const root = resolve(hlsRoot);

  app.options('/hls/*', { schema: { hide: true } }, async (_request, reply) => {
    corsHeaders(reply);
    reply.header('access-control-max-age', '86400');
    return reply.status(204).send();
  });

  app.get<{ Params: { '*': string } }>(
    '/hls/*',
    {
      schema: {
        tags: ['playback'],
        summary: 'HLS playlists and segments: /hls/<showId>/master.m3u8, /hls/<showId>/<variant>/index.m3u8',
      },
    },
    async (request, reply) => {
      corsHeaders(reply);
      const raw = request.params['*'];
      let decoded: string;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        throw new HawkerError('BAD_MEDIA_PATH');
      }
      const parts = decoded.split('/');
      const ext = extname(decoded).toLowerCase();
      const type = contentTypes[ext];
      if (parts.length < 2 || parts.length > 3 || !parts.every((p) => SEGMENT.test(p) && p !== '.' && !p.includes('..')) || !type) {
        throw new HawkerError('BAD_MEDIA_PATH', `not a valid media path: ${JSON.stringify(raw.slice(0, 200))}`);
      }
      // A rehearsal plays in the cockpit only: before the show went live its media is the
      // admin's, never stored by a cache, and every other client gets what a show without
      // a stream gets
      const rehearsal = !isPublic(parts[0]!);
      if (rehearsal && !isAdmin(request)) throw new HawkerError('MEDIA_NOT_FOUND');
      const file = join(root, ...parts);
      // Belt and braces: the pattern above already rules out escaping the root.
      if (!file.startsWith(root + sep)) throw new HawkerError('BAD_MEDIA_PATH');
      // The length sent is the length of the bytes sent: FFmpeg replaces playlists every segment,
      // and a Content-Length from one version with the body of another corrupts the next
      // response on a keep-alive connection. Playlists are small: read whole, send the buffer.
      // Segments: fstat the handle that is read, and send exactly that many bytes from it.
      let body: Buffer | NodeJS.ReadableStream;
      let size: number;
      let mtime: Date;
      if (ext === '.m3u8') {
        let handle: FileHandle | null = null;
        try {
          handle = await open(file, 'r');
          const info = await handle.stat();
          if (!info.isFile()) throw new Error('not a file');
          body = await readFile(handle);
          size = body.length;
          mtime = info.mtime;
        } catch {
          throw new HawkerError('MEDIA_NOT_FOUND');
        } finally {
          await handle?.close().catch(() => undefined);
        }
      } else {
        let handle: FileHandle | null = null;
        try {
          handle = await open(file, 'r');
          const info = await handle.stat();
          if (!info.isFile()) throw new Error('not a file');
          size = info.size;
          mtime = info.mtime;
        } catch {
          await handle?.close().catch(() => undefined);
          throw new HawkerError('MEDIA_NOT_FOUND');
        }
        if (size === 0) {
          await handle.close().catch(() => undefined);
          body = Buffer.alloc(0);
        } else {
          // the stream owns the handle from here and closes it when it ends or is destroyed
          const exact = new ExactLength(size);
          const source = handle.createReadStream({ start: 0, end: size - 1 });
          source.on('error', (err) => exact.destroy(err));
          exact.on('close', () => source.destroy());
          body = source.pipe(exact);
        }
      }
      reply.header('content-type', type);
      reply.header('content-length', size);
      reply.header('last-modified', mtime.toUTCString());
      // Playlists change every segment; segment names are never reused within a show.
      reply.header(
        'cache-control',
        ext === '.m3u8' ? 'no-cache, no-store, must-revalidate' : rehearsal ? 'private, no-store' : 'public, max-age=31536000, immutable',
      );
      return reply.send(body);
    },
  );
};
