import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

/**
 * FFmpeg rewrites a live playlist every segment. A response whose Content-Length came from one
 * version and whose body from another corrupts the next response on a keep-alive connection.
 * Here a separate process rewrites a playlist (and a segment) as fast as it can while several
 * keep-alive clients fetch them; every raw response must parse and carry exactly
 * Content-Length bytes.
 */

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One keep-alive connection, one request at a time, responses parsed strictly from the bytes. */
class RawClient {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private async need(test: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!test()) {
      if (this.closed) throw new Error(`connection closed; ${this.buffer.length} bytes pending`);
      if (Date.now() > deadline) throw new Error('timed out waiting for response bytes');
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
      this.wake = null;
    }
  }

  async get(path: string): Promise<RawResponse> {
    if (this.buffer.length > 0) throw new Error(`stray bytes before a request: ${JSON.stringify(this.buffer.subarray(0, 80).toString('latin1'))}`);
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    await this.need(() => this.buffer.indexOf('\r\n\r\n') >= 0);
    const end = this.buffer.indexOf('\r\n\r\n');
    const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const statusLine = /^HTTP\/1\.1 (\d{3}) /.exec(head[0] ?? '');
    if (!statusLine) throw new Error(`not an HTTP response: ${JSON.stringify(head[0])}`);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length)) throw new Error(`no content-length: ${head.join(' | ')}`);
    await this.need(() => this.buffer.length >= end + 4 + length);
    const body = this.buffer.subarray(end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    // Give a too-long body a moment to show itself as stray bytes before the next request.
    await new Promise((r) => setImmediate(r));
    return { status: Number(statusLine[1]), headers, body: Buffer.from(body) };
  }

  close(): void {
    this.socket.destroy();
  }
}

// Playlists of very different sizes, so that a mismatch always shows.
const versions = [40, 2000, 300, 6000, 1].map((n, v) => {
  let text = `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:${v}\n`;
  for (let i = 0; i < n; i++) text += `#EXTINF:1.000000,\nseg_${String(i).padStart(6, '0')}.ts\n`;
  return text;
});

// Runs in its own process: true concurrency with the server's reads.
const writerScript = `
const fs = require('node:fs');
const [dir, mode, count] = process.argv.slice(1);
const versions = JSON.parse(fs.readFileSync(dir + '/versions.json', 'utf8'));
const playlist = dir + '/index.m3u8';
const segment = dir + '/seg_000000.ts';
for (let i = 0; i < Number(count); i++) {
  const text = versions[i % versions.length];
  if (mode === 'rename') {
    fs.writeFileSync(playlist + '.tmp', text);
    fs.renameSync(playlist + '.tmp', playlist);
    fs.writeFileSync(segment + '.tmp', Buffer.alloc(188 * (1 + (i % 7) * 50), 0x47));
    fs.renameSync(segment + '.tmp', segment);
  } else {
    const fd = fs.openSync(playlist, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, text, 0);
    fs.closeSync(fd);
  }
}
`;

function runWriter(dir: string, mode: 'rename' | 'inplace', count: number): Promise<number | null> {
  const child = spawn(process.execPath, ['-e', writerScript, dir, mode, String(count)], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

t.test('playlists and segments rewritten under keep-alive clients: every body is exactly Content-Length bytes', async (t) => {
  const { app, hlsRoot } = await buildTestApp();
  t.teardown(() => app.close());
  const dir = join(hlsRoot, 'racyShow', '720p');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'versions.json'), JSON.stringify(versions));
  writeFileSync(join(dir, 'index.m3u8'), versions[0]!);
  writeFileSync(join(dir, 'seg_000000.ts'), Buffer.alloc(188, 0x47));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let checked = 0;
  for (const mode of ['rename', 'inplace'] as const) {
    const clients = await Promise.all(Array.from({ length: 4 }, () => RawClient.open(port)));
    let writing = true;
    const writer = runWriter(dir, mode, 1500).then((code) => {
      writing = false;
      return code;
    });
    const problems: string[] = [];
    let fetched = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        let i = 0;
        // at least 100 requests per client, and until the writer is done
        while (writing || i < 100) {
          const path = c % 2 === 1 && mode === 'rename' && i % 3 === 0 ? '/hls/racyShow/720p/seg_000000.ts' : '/hls/racyShow/720p/index.m3u8';
          i += 1;
          let res: RawResponse;
          try {
            res = await client.get(path);
          } catch (err) {
            problems.push(`${mode} client ${c} request ${i}: ${(err as Error).message}`);
            return;
          }
          fetched += 1;
          if (res.status !== 200) problems.push(`${mode} ${path}: status ${res.status}`);
          else if (path.endsWith('.m3u8') && mode === 'rename' && !versions.includes(res.body.toString('utf8'))) {
            problems.push(`${mode}: a body that is no version of the playlist (${res.body.length} bytes)`);
          } else if (path.endsWith('.ts') && (res.body.length % 188 !== 0 || res.body.some((b) => b !== 0x47))) {
            problems.push(`${mode}: a segment body that is no version of the segment (${res.body.length} bytes)`);
          }
        }
      }),
    );
    t.equal(await writer, 0, `${mode}: the writer rewrote the playlist 1500 times`);
    clients.forEach((c) => c.close());
    t.same(problems.slice(0, 5), [], `${mode}: ${fetched} keep-alive responses, each exactly Content-Length bytes and parseable`);
    t.ok(fetched >= 400, `${mode}: enough responses to matter (${fetched})`);
    checked += fetched;
  }
  t.comment(`keep-alive responses checked: ${checked}`);
});

t.test('a segment that shrinks while it is sent ends the connection instead of leaving the client waiting', async (t) => {
  const { app, hlsRoot } = await buildTestApp();
  t.teardown(() => app.close());
  const dir = join(hlsRoot, 'shrinkShow', '720p');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'seg_000000.ts');
  const size = 188 * 100_000; // ~19 MB: more than the socket buffers hold while the client waits
  writeFileSync(file, Buffer.alloc(size, 0x47));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const socket = connect({ host: '127.0.0.1', port });
  let received = 0;
  let head = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('GET /hls/shrinkShow/720p/seg_000000.ts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  await new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      if (!head) {
        head = d.subarray(0, d.indexOf('\r\n\r\n')).toString('latin1');
        received += d.length - head.length - 4;
        socket.pause(); // the player is slow: the server is left holding the rest
        resolve();
      } else received += d.length;
    });
  });
  t.match(head, new RegExp(`content-length: ${size}`, 'i'));
  // FFmpeg never does this to a listed segment, but a disk tool or an operator might
  writeFileSync(file, Buffer.alloc(188, 0x47));
  socket.resume();
  const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 5000))]);
  socket.destroy();
  t.equal(outcome, 'closed', `the connection was closed after ${received} of ${size} bytes, not left waiting for the rest`);
  t.ok(received < size, 'the body was short');
});
