// The anchor for bench:live-now: a bare node:http server answering GET /api/live-now from a Map
// of SKU -> JSON fragment built at start (what Hawker's index keeps), with the same headers and
// the same two query forms; no framework, no validation, no logging. argv: port, then the live
// SKUs as one comma-separated argument. Prints "ready" once listening.
import { createServer } from 'node:http';

const [port, liveSkus = ''] = process.argv.slice(2);
const fragments = new Map<string, string>();
for (const sku of liveSkus.split(',').filter(Boolean)) {
  const item = { showId: 'show', title: 'Bench show', productId: `p-${sku}`, onScreen: false, watchUrl: 'http://127.0.0.1/watch/show', playerUrl: `http://127.0.0.1/watch/show?embed=mini&product=p-${sku}` };
  fragments.set(sku, `${JSON.stringify(sku)}:${JSON.stringify(item)}`);
}

const server = createServer({ maxHeaderSize: 96 * 1024 }, (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/api/live-now') {
    res.writeHead(404).end();
    return;
  }
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const value of url.searchParams.getAll('sku')) {
    for (const sku of value.split(',')) {
      const hit = fragments.get(sku);
      if (hit && !seen.has(sku)) {
        seen.add(sku);
        parts.push(hit);
      }
    }
  }
  const body = `{"items":{${parts.join(',')}}}`;
  // a length, as Fastify sends (the bench's client reads answers by it)
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'public, max-age=5', 'access-control-allow-origin': '*' });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
