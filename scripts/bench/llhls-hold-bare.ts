// The anchor for bench:llhls-hold: a bare node:http server that holds every request carrying
// _HLS_msn in a list and answers the whole list at once on a timer (every part duration), with a
// body of the same size as Hawker's blocking answer; a request without it is answered at once.
// No framework, no playlist, no file watch, no logging: what holding a request costs at the
// least in Node. argv: port, body bytes, part ms. Prints "ready" once listening, then one JSON
// line per release that answered something: {"released": n, "at": epoch ms, sub-ms}.
import { createServer, type ServerResponse } from 'node:http';

const [port, bodyBytes = '4096', partMs = '200'] = process.argv.slice(2);
const body = Buffer.alloc(Number(bodyBytes), '#');
body.write('#EXTM3U\n');
body[body.length - 1] = 0x0a;
const headers = { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': body.length, 'cache-control': 'public, max-age=6', 'access-control-allow-origin': '*' };
/** a held request waits at most three target durations (1 s), as in Hawker, then gets a 503 */
const TIMEOUT_MS = 3000;
const held = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();
const now = () => performance.timeOrigin + performance.now();

const server = createServer((req, res) => {
  if (!(req.url ?? '').includes('_HLS_msn=')) {
    res.writeHead(200, headers).end(body);
    return;
  }
  const waiter = {
    res,
    timer: setTimeout(() => {
      if (held.delete(waiter)) res.writeHead(503).end();
    }, TIMEOUT_MS),
  };
  held.add(waiter);
  res.once('close', () => {
    clearTimeout(waiter.timer);
    held.delete(waiter);
  });
});
server.keepAliveTimeout = 60_000;

setInterval(() => {
  if (held.size === 0) return;
  const at = now();
  const released = held.size;
  for (const waiter of held) {
    clearTimeout(waiter.timer);
    // a socket gone meanwhile must not stop the others from being answered
    try {
      waiter.res.writeHead(200, headers).end(body);
    } catch {
      // gone
    }
  }
  held.clear();
  console.log(JSON.stringify({ released, at }));
}, Number(partMs));

server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
// started by the bench, killed by PID; never outlives a bench that died without killing it
setTimeout(() => process.exit(0), 30 * 60_000).unref();
