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
  /** the merchant (or the retention sweep) deleted the show's media: nothing of it is served */
  recordingDeleted(showId: string): boolean;
  /** the admin token or the cockpit's session: the preview of a rehearsal */
  isAdmin(request: FastifyRequest): boolean;
  /** a live show's LL-HLS playlists, made in memory (absent: plain HLS only) */
  lowLatency?: LowLatencyPlaylists;
}

export interface LowLatencyPlaylists {
  /** null: the show has no LL-HLS now */
  master(showId: string): string | null;
  /** blocking reloads held now, all shows (a metric) */
  heldRequests(): number;
  /**
   * Held until the part the delivery directives (_HLS_msn, _HLS_part, _HLS_skip, unparsed)
   * name exists; `gone` resolves when the client left. Malformed directives: BAD_REQUEST.
   */
  media(showId: string, rung: string, directives: Readonly<Record<string, string | undefined>>, gone: Promise<void>): Promise<LowLatencyAnswer | null>;
}

export interface LowLatencyAnswer {
  text: string;
  /** the request named a segment or part (a blocking reload): the same answer whenever asked */
  blocking: boolean;
}

// the LL-HLS names (the launcher writes ll-<rung>/ folders; both playlists are made in memory)
const LL_MASTER_PLAYLIST = 'll.m3u8';
const LL_RUNG_PREFIX = 'll-';

/** A single byte range of a file of `size` bytes, clamped to what exists; null: the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number; clamped: boolean } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d{1,15})-(\d{0,15})$/.exec(header.trim());
  // several ranges, a suffix range or junk: the whole file (RFC 9110 lets a server ignore Range)
  if (!m) return null;
  const start = Number(m[1]);
  const wanted = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (wanted < start) return null;
  if (start >= size) return 'unsatisfiable';
  const end = Math.min(wanted, size - 1);
  return { start, end, clamped: end !== wanted };
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
  reply.header('access-control-expose-headers', 'Content-Length, Content-Range, Age');
}

/** The show's HLS output, for players on any origin and for a CDN in front. */
export const hlsRoutes: FastifyPluginAsync<HlsRoutesOptions> = async (app, { hlsRoot, isPublic, recordingDeleted, isAdmin, lowLatency }) => {
  const root = resolve(hlsRoot);

  async function lowLatencyPlaylist(request: FastifyRequest, reply: FastifyReply, parts: string[], rehearsal: boolean): Promise<FastifyReply> {
    const showId = parts[0]!;
    let text: string | null;
    let blocking = false;
    if (parts.length === 2) {
      text = lowLatency?.master(showId) ?? null;
    } else {
      const query = request.query as Record<string, unknown>;
      const plain: Record<string, string | undefined> = {};
      for (const key of ['_HLS_msn', '_HLS_part', '_HLS_skip']) {
        const value = query[key];
        if (value !== undefined && typeof value !== 'string') throw new HawkerError('BAD_REQUEST', `${key} given more than once`);
        plain[key] = value;
      }
      const gone = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
      const answer = lowLatency ? await lowLatency.media(showId, parts[1]!.slice(LL_RUNG_PREFIX.length), plain, gone) : null;
      text = answer?.text ?? null;
      blocking = answer?.blocking ?? false;
    }
    if (text === null) throw new HawkerError('MEDIA_NOT_FOUND', 'the show has no low-latency playlist now');
    reply.header('content-type', contentTypes['.m3u8']!);
    // A blocking answer is the same for the same query whenever it is given: a CDN may keep it a
    // few seconds and hand it to everyone asking the same (request collapsing); the plain
    // reload is the live edge and never kept.
    reply.header('cache-control', rehearsal ? 'private, no-store' : blocking ? 'public, max-age=6' : 'no-cache, no-store, must-revalidate');
    return reply.send(text);
  }

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
      // even a file written late into a deleted show's folder (a clip cut finishing) stays unserved
      if (recordingDeleted(parts[0]!)) throw new HawkerError('MEDIA_NOT_FOUND', 'the recording of this show was deleted');
      // LL-HLS playlists are made in memory: /<show>/ll.m3u8 and /<show>/ll-<rung>/index.m3u8
      if ((parts.length === 2 && parts[1] === LL_MASTER_PLAYLIST) || (parts.length === 3 && parts[1]!.startsWith(LL_RUNG_PREFIX) && parts[2] === 'index.m3u8')) {
        return lowLatencyPlaylist(request, reply, parts, rehearsal);
      }
      const file = join(root, ...parts);
      // Belt and braces: the pattern above already rules out escaping the root.
      if (!file.startsWith(root + sep)) throw new HawkerError('BAD_MEDIA_PATH');
      // The length sent is the length of the bytes sent: FFmpeg replaces playlists every segment,
      // and a Content-Length from one version with the body of another corrupts the next
      // response on a keep-alive connection. Playlists are small: read whole, send the buffer.
      // Segments: fstat the handle that is read, and send exactly that many bytes from it.
      let body: Buffer | NodeJS.ReadableStream;
      let size: number;
      let partial = false;
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
        const range = parseRange(request.headers.range, size);
        if (range === 'unsatisfiable') {
          await handle.close().catch(() => undefined);
          reply.header('content-range', `bytes */${size}`);
          throw new HawkerError('RANGE_NOT_SATISFIABLE');
        }
        const start = range?.start ?? 0;
        const end = range ? range.end : size - 1;
        if (range) {
          reply.status(206);
          reply.header('content-range', `bytes ${start}-${end}/${size}`);
          // An LL-HLS part or segment is a byte range of a file that only ever grows: a range
          // inside what is written never changes. One that ran past the end (a part still
          // being written) must not be kept.
          if (range.clamped) partial = true;
        }
        size = end - start + 1;
        if (size === 0) {
          await handle.close().catch(() => undefined);
          body = Buffer.alloc(0);
        } else {
          // the stream owns the handle from here and closes it when it ends or is destroyed
          const exact = new ExactLength(size);
          const source = handle.createReadStream({ start, end });
          source.on('error', (err) => exact.destroy(err));
          exact.on('close', () => source.destroy());
          body = source.pipe(exact);
        }
      }
      reply.header('content-type', type);
      reply.header('content-length', size);
      reply.header('last-modified', mtime.toUTCString());
      reply.header('accept-ranges', 'bytes');
      // Playlists change every segment; segment names are never reused within a show. An LL-HLS
      // segment file is still growing while it is the live edge: whole, it is kept by no cache
      // (players ask for the byte ranges the playlist lists, which never change).
      reply.header(
        'cache-control',
        ext === '.m3u8'
          ? 'no-cache, no-store, must-revalidate'
          : rehearsal || partial || (ext === '.m4s' && request.headers.range === undefined)
            ? 'private, no-store'
            : 'public, max-age=31536000, immutable',
      );
      return reply.send(body);
    },
  );
};
