// The baseline of bench:chat: a bare `ws` server doing the same fan-out as Hawker (chat in,
// coalesced into one JSON array frame per 100 ms tick, serialised once, sent to every
// socket), with none of the rest: no tokens, no rules, no SQLite, no history.
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 64 * 1024, perMessageDeflate: false });
let outbox: unknown[] = [];
let seq = 0;
wss.on('connection', (ws) => {
  ws.send(JSON.stringify([{ type: 'welcome' }]));
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; text: string };
    if (m.type === 'chat') outbox.push({ type: 'chat', id: String(seq++), viewer: { id: 'x', displayName: 'x', level: 0 }, text: m.text, at: new Date().toISOString() });
  });
});
setInterval(() => {
  if (outbox.length === 0) return;
  const frame = Buffer.from(JSON.stringify(outbox));
  outbox = [];
  for (const ws of wss.clients) ws.send(frame, { binary: false });
}, 100);
wss.on('listening', () => process.stdout.write('listening\n'));
