// The load side of bench:chat, in its own process: N WebSocket viewers on loopback, of which
// S send chat at M messages/s in total. Every viewer reads every frame (the kernel and `ws`
// do the work a phone would); a sample of them parse the frames and time each chat message
// from send to arrival (both ends in this process: one clock). Prints one JSON line.
import WebSocket from 'ws';

const [urlArg, viewersArg, sendersArg, rateArg, secondsArg, tokensArg] = process.argv.slice(2);
const url = urlArg ?? 'ws://127.0.0.1:8080/';
const VIEWERS = Number(viewersArg);
const SENDERS = Number(sendersArg);
const RATE = Number(rateArg);
const SECONDS = Number(secondsArg);
const tokens = tokensArg ? (JSON.parse(tokensArg) as string[]) : [];
const SAMPLE = Math.min(VIEWERS, Number(process.env.BENCH_SAMPLE ?? 200));
const OPENING_AT_ONCE = 200;

const sockets: WebSocket[] = [];
const latencies: number[] = [];
let bytes = 0;
let frames = 0;
let closedEarly = 0;
const closeCodes: Record<string, number> = {};

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const token = i < SENDERS ? tokens[i] : undefined;
    const ws = new WebSocket(token ? `${url}?token=${token}` : url, { perMessageDeflate: false });
    const sampled = i >= VIEWERS - SAMPLE;
    let welcomed = false;
    ws.on('message', (data: Buffer) => {
      frames++;
      bytes += data.length;
      if (!welcomed) {
        welcomed = true;
        resolve();
      }
      if (!sampled) return;
      const now = performance.now();
      for (const m of JSON.parse(String(data)) as Array<{ type: string; text?: string }>) {
        if (m.type !== 'chat' || !m.text) continue;
        const sentAt = Number(m.text.slice(0, m.text.indexOf(' ')));
        if (Number.isFinite(sentAt)) latencies.push(now - sentAt);
      }
    });
    ws.on('error', (err) => (welcomed ? undefined : reject(err)));
    ws.on('close', (code) => {
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
      if (!stopping) closedEarly++;
    });
    sockets.push(ws);
  });
}

let stopping = false;
const t0 = performance.now();
for (let i = 0; i < VIEWERS; i += OPENING_AT_ONCE) {
  await Promise.all(Array.from({ length: Math.min(OPENING_AT_ONCE, VIEWERS - i) }, (_, k) => open(i + k)));
}
const connectSeconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ ready: true, connectSeconds }) + '\n');
// the orchestrator starts the CPU clock when it reads "ready"; give it a moment
await new Promise((r) => setTimeout(r, 500));

// M messages a second, spread over the senders round-robin, paced in 10 ms steps
const filler = 'is the hose long enough for a second floor balcony? asking for my garden';
let sent = 0;
const start = performance.now();
const senders = sockets.slice(0, SENDERS);
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= SECONDS) {
      clearInterval(timer);
      resolve();
      return;
    }
    const due = Math.floor(elapsed * RATE);
    while (sent < due) {
      const ws = senders[sent % senders.length]!;
      ws.send(JSON.stringify({ type: 'chat', text: `${performance.now().toFixed(1)} ${filler}` }));
      sent++;
    }
  }, 10);
});
// let the last messages arrive
await new Promise((r) => setTimeout(r, 2000));
stopping = true;
const expected = sent * SAMPLE;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.stdout.write(
  JSON.stringify({ sent, received: latencies.length, expected, frames, megabytes: bytes / 1e6, closedEarly, closeCodes, connectSeconds, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN }) + '\n',
);
for (const ws of sockets) ws.terminate();
process.exit(0);
