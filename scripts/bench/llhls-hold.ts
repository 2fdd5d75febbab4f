// npm run bench:llhls-hold
// Issue 17: "1,000 concurrent blocking playlist requests held on one show: memory and CPU
// figures, and every one answered when its part appears". A real server process (production x264
// preset, LL-HLS on as shipped), a show, the bench publisher over RTMP; once the LL parts flow,
// BENCH_ROUNDS rounds of:
//  1. a leader blocking reload for the next part: its answer comes the moment a part appears,
//     so the round starts with a whole part duration (0.2 s) ahead of it;
//  2. BENCH_REQUESTS (1,000) concurrent HTTP/1.1 blocking reloads (_HLS_msn/_HLS_part) for the
//     part after it (the one not listed yet), over as many keep-alive loopback connections opened
//     beforehand, while the rung's segment file is stat'ed every ~2 ms to see when that part
//     became whole in the file (as test/e2e/llhls-serving.test.ts does);
//  3. per request: status, when it was sent and answered, and whether the answer lists the part.
// Printed per round and overall: answered (200 with the part) / requests, held at the part's
// arrival (sent before it, answered after; the server exposes no count of held requests, its log
// tells how many it had taken in before the arrival), answer
// delay after the part's arrival p50/p95/max, spread first to last answer, the server's RSS
// before / while held / after (/proc/<pid>/status VmRSS), its CPU-seconds (utime + stime) over
// the held window vs an idle window of the same length right after (the difference is what
// holding and answering cost), how long its main thread waited for a core (/proc/<pid>/schedstat:
// on a shared machine that, not the server, can be the delay), and Hawker's own view from its
// request log lines (when Fastify took each request in, when it answered). The same rounds
// against a bare node:http server that holds the requests in a Set and answers them all on a
// part-duration timer with a body of the same size (scripts/bench/llhls-hold-bare.ts, its own
// process so its CPU and RSS are its own), its rounds alternating with Hawker's while the show
// transcodes, so both compete with the same FFmpeg for the cores. Exits non-zero if any request
// was not answered with 200 and its part. Client, server, transcode and publisher share the
// machine's cores (say so with the figures). BENCH_REQUESTS, BENCH_ROUNDS, BENCH_LOG_LEVEL (info:
// as shipped, and the level at which the test helper sees the server start).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultConfig } from '../../src/config/defaults.js';
import { parseLlPlaylist, type ParsedLlPlaylist, type ParsedPart } from '../../test/helpers/llhls-validator.js';
import { startServerProcess } from '../../test/helpers/server-process.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { cpuSeconds, freePort, percentile, publish, rssMb } from './lib.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const PART_MS = defaultConfig.pipeline.lowLatency.partSeconds * 1000;
const RUNG = defaultConfig.pipeline.ladder[0]!.name;
/** a held request is answered within three target durations (503 after): far more is a hang */
const REQUEST_TIMEOUT_MS = 15_000;
/** the publisher runs at most this long; the bench takes well under a minute of it */
const PUBLISH_SECONDS = 300;
const SAMPLE_MS = 2;

/** wall-clock ms with sub-ms resolution, comparable across the bench's processes */
const now = () => performance.timeOrigin + performance.now();

/** seconds the process's main thread has waited on a run queue for a core (its event loop, runnable but not running) */
const runQueueSeconds = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;

// ---- the client ----------------------------------------------------------------------------

interface Answer {
  status: number;
  body: string;
  /** the request handed to the socket ('finish') */
  sentAt: number;
  answeredAt: number;
  error: string | null;
}

/** node:http over keep-alive connections, one request per connection at a time. */
function client(port: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS + 8, maxFreeSockets: REQUESTS + 8, scheduling: 'fifo' });
  const get = (path: string, onSent?: () => void) =>
    new Promise<Answer>((resolve) => {
      const answer: Answer = { status: 0, body: '', sentAt: NaN, answeredAt: NaN, error: null };
      let done = false;
      const finish = (error: string | null) => {
        if (done) return;
        done = true;
        answer.answeredAt = now();
        answer.error = error;
        resolve(answer);
      };
      const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'accept-encoding': 'identity' } }, (res) => {
        answer.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer.body += chunk));
        res.on('end', () => finish(null));
        res.on('error', (err) => finish(String(err)));
      });
      req.on('finish', () => {
        answer.sentAt = now();
        onSent?.();
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (err) => finish(String(err)));
      req.end();
    });
  return {
    get,
    /** connections open and idle, ready for a round */
    freeSockets: () => Object.values(agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0),
    close: () => agent.destroy(),
  };
}
type Client = ReturnType<typeof client>;

// ---- one round -----------------------------------------------------------------------------

interface Plan {
  path: string;
  /** why an answer is not the one asked for, or null */
  wrong(body: string): string | null;
  /** when what the requests wait for arrived (epoch ms), once they are answered; null: not seen */
  arrival(answers: Answer[], firedAt: number): number | null;
  /** what the server says of the round (its own log lines), relative to the arrival; null: nothing */
  serverView?(arrival: number | null): ServerView | null;
  stop(): void;
}

/** From the server's request log: when it took the round's requests in and when it answered them. */
interface ServerView {
  logged: number;
  /** requests Fastify had taken in before the arrival: held by the server, not still in a socket */
  heldAtArrival: number;
  /** ms after the arrival (negative: before) the server had received the first / last request */
  firstReceived: number;
  lastReceived: number;
  /** ms after the arrival of the server's answers: p50 and last */
  answeredP50: number;
  answeredLast: number;
}

interface Round {
  requests: number;
  ok: number;
  failures: string[];
  /** sent before the arrival, answered after it */
  held: number;
  arrivalSeen: boolean;
  /** answer time - arrival, ms, for the answers that were held */
  delays: number[];
  spreadMs: number;
  sendMs: number;
  bodyBytes: number;
  rss: { before: number; held: number; after: number };
  cpu: { windowMs: number; heldS: number; idleS: number; waitedS: number };
  server: ServerView | null;
}

async function runRound(c: Client, pid: number, prepare: () => Promise<Plan>): Promise<Round> {
  await sleep(300);
  const rssBefore = rssMb(pid);
  const plan = await prepare();
  let answered = 0;
  let rssHeld = NaN;
  // RSS while held: the last reading before the first answer
  const rssSampler = setInterval(() => {
    if (answered === 0) rssHeld = rssMb(pid);
  }, 5);
  const cpu0 = cpuSeconds(pid);
  const wait0 = runQueueSeconds(pid);
  const firedAt = now();
  let answers: Answer[];
  try {
    answers = await Promise.all(
      Array.from({ length: REQUESTS }, () =>
        c.get(plan.path).then((a) => {
          answered += 1;
          return a;
        }),
      ),
    );
  } finally {
    clearInterval(rssSampler);
    plan.stop();
  }
  const cpu1 = cpuSeconds(pid);
  const wait1 = runQueueSeconds(pid);
  const windowMs = now() - firedAt;
  await sleep(300);
  const rssAfter = rssMb(pid);
  // the idle window: the same length, nothing held (the show still packages its parts)
  const idle0 = cpuSeconds(pid);
  await sleep(windowMs);
  const idle1 = cpuSeconds(pid);

  const failures: string[] = [];
  const verdicts = new Map<string, string | null>();
  let ok = 0;
  for (const a of answers) {
    let why: string | null = a.error ?? (a.status === 200 ? null : `HTTP ${a.status}`);
    if (why === null) {
      if (!verdicts.has(a.body)) verdicts.set(a.body, plan.wrong(a.body));
      why = verdicts.get(a.body) ?? null;
    }
    if (why === null) ok += 1;
    else if (failures.length < 5) failures.push(why);
  }
  const arrival = plan.arrival(answers, firedAt);
  await sleep(200); // the server's last log lines
  const server = plan.serverView?.(arrival) ?? null;
  const heldAnswers = arrival === null ? [] : answers.filter((a) => a.sentAt < arrival && a.answeredAt >= arrival);
  const answeredAt = answers.map((a) => a.answeredAt);
  const sentAt = answers.map((a) => a.sentAt).filter(Number.isFinite);
  return {
    requests: REQUESTS,
    ok,
    failures,
    held: heldAnswers.length,
    arrivalSeen: arrival !== null,
    delays: heldAnswers.map((a) => a.answeredAt - arrival!),
    spreadMs: Math.max(...answeredAt) - Math.min(...answeredAt),
    sendMs: Math.max(...sentAt) - Math.min(...sentAt),
    bodyBytes: Math.round(percentile(answers.filter((a) => a.status === 200).map((a) => Buffer.byteLength(a.body)), 50)),
    rss: { before: rssBefore, held: rssHeld, after: rssAfter },
    cpu: { windowMs, heldS: cpu1 - cpu0, idleS: idle1 - idle0, waitedS: wait1 - wait0 },
    server,
  };
}

/**
 * Opens REQUESTS keep-alive connections with plain requests (answered at once), 100 at a time: a
 * thousand connects in the same millisecond overflow the listen backlog (511), and a dropped SYN
 * is retried only after 1, 3, 7 s; the rounds then send on these connections.
 */
async function warmUp(c: Client, path: string): Promise<void> {
  for (let opened = 0; opened < REQUESTS; opened += 100) {
    const answers = await Promise.all(Array.from({ length: Math.min(100, REQUESTS) + opened }, () => c.get(path)));
    const bad = answers.filter((a) => a.status !== 200);
    if (bad.length) throw new Error(`warm-up: ${bad.length} of ${answers.length} plain requests failed (${bad[0]!.error ?? bad[0]!.status})`);
  }
  await sleep(500);
}

// ---- Hawker --------------------------------------------------------------------------------

const nextPosition = (pl: ParsedLlPlaylist) => ({ msn: pl.mediaSequence + (pl.skipped ?? 0) + pl.segments.length, part: pl.trailingParts.length });

/** part `part` of segment msn in an answer, or (that segment closed before it) part 0 after it */
function partIn(pl: ParsedLlPlaylist, msn: number, part: number): ParsedPart | undefined {
  const segment = pl.segments.find((s) => s.msn === msn);
  if (segment) return segment.parts[part] ?? pl.segments.find((s) => s.msn === msn + 1)?.parts[0] ?? pl.trailingParts[0];
  return nextPosition(pl).msn === msn ? pl.trailingParts[part] : undefined;
}

const SEGMENT_FILE = /^seg_(\d+)\.m4s$/;
const fileAfter = (name: string) => {
  const m = SEGMENT_FILE.exec(name);
  return m ? `seg_${String(Number(m[1]) + 1).padStart(m[1]!.length, '0')}.m4s` : null;
};

/** One server under test: its process, a client with its connections open, and how a round starts. */
interface Target {
  pid: number;
  c: Client;
  prepare(): Promise<Plan>;
  close(): void;
}

/** Hawker as shipped, a show, the publisher over RTMP; ready once the LL parts flow. */
async function startHawker(): Promise<Target> {
  const server = await startServerProcess({ preset: defaultConfig.pipeline.preset, env: { HAWKER_LOG_LEVEL: LOG_LEVEL } });
  let publisher: ReturnType<typeof publish> | null = null;
  const c = client(Number(new URL(server.httpUrl).port));
  const close = () => {
    c.close();
    publisher?.stop();
    server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
  };
  try {
    const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'LL-HLS hold bench' }) })).json()) as { id: string; streamKey: string };
    publisher = publish(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, PUBLISH_SECONDS);
    const path = `/hls/${show.id}/ll-${RUNG}/index.m3u8`;
    const rungDir = join(server.dataDir, 'media', 'hls', show.id, `ll-${RUNG}`);
    const playlist = async (query = '') => {
      const a = await c.get(path + query);
      if (a.status !== 200) throw new Error(`${path}${query}: ${a.error ?? `HTTP ${a.status}`} ${a.body.slice(0, 200)}`);
      return parseLlPlaylist(a.body);
    };
    await waitFor('two LL segments', async () => (await playlist()).segments.length >= 2, 60_000, 200);
    await warmUp(c, path);
    const prepare = async (): Promise<Plan> => {
      // the leader: answered when a part appears, so the round has a whole part duration
      const first = nextPosition(await playlist());
      const pl = await playlist(`?_HLS_msn=${first.msn}&_HLS_part=${first.part}`);
      const { msn, part } = nextPosition(pl);
      const asked = `${path}?_HLS_msn=${msn}&_HLS_part=${part}`;
      // the part asked for lands in the file the hint names, or the next one if a segment closes
      const hint = pl.preloadHints[0]?.URI ?? pl.trailingParts.at(-1)?.uri ?? pl.segments.at(-1)!.uri;
      const files = [hint, fileAfter(hint)].filter((f): f is string => f !== null);
      const sizes: Array<{ file: string; at: number; size: number }> = [];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          for (const file of files) {
            try {
              sizes.push({ file, at: now(), size: statSync(join(rungDir, file)).size });
            } catch {
              // not created yet
            }
          }
          await sleep(SAMPLE_MS);
        }
      })();
      return {
        path: asked,
        wrong: (body) => (partIn(parseLlPlaylist(body), msn, part) ? null : `the answer does not list part ${part} of ${msn}`),
        arrival: (answers) => {
          const got = answers.find((a) => a.status === 200)?.body;
          const p = got ? partIn(parseLlPlaylist(got), msn, part) : undefined;
          if (!p?.byteRange) return null;
          const end = p.byteRange.offset + p.byteRange.length;
          const seen = sizes.filter((s) => s.file === p.uri);
          const at = seen.findIndex((s) => s.size >= end);
          // only a growth watched happening tells when: whole at the first look says nothing
          return at > 0 ? seen[at]!.at : null;
        },
        serverView: (arrival) => {
          if (arrival === null) return null;
          const round = server.logs.filter((l) => l.msg === 'request completed' && (l.req as { url?: string } | undefined)?.url === asked);
          if (!round.length) return null;
          // pino's time is when the line was written (the answer sent); responseTime runs from Fastify's onRequest
          const answered = round.map((l) => Number(l.time) - arrival);
          const received = round.map((l) => Number(l.time) - Number(l.responseTime) - arrival);
          return { logged: round.length, heldAtArrival: received.filter((ms) => ms < 0).length, firstReceived: Math.min(...received), lastReceived: Math.max(...received), answeredP50: percentile(answered, 50), answeredLast: Math.max(...answered) };
        },
        stop: () => {
          watching = false;
          void watch;
        },
      };
    };
    return { pid: server.pid, c, prepare, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** The bare node:http server (its own process), answering with bodies of `bodyBytes`. */
async function startBare(bodyBytes: number): Promise<Target> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/llhls-hold-bare.ts', String(port), String(bodyBytes), String(PART_MS)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => killGroup(child), 600_000);
  // detached (its own group, killed by PID): a bench that dies must not leave it listening
  process.once('exit', () => killGroup(child));
  const releases: number[] = [];
  const c = client(port);
  const close = () => {
    c.close();
    clearTimeout(killer);
    killGroup(child);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare server did not start in 30 s')), 30_000);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        } else releases.push((JSON.parse(line) as { at: number }).at);
      });
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the bare server exited (${code})`))));
    });
    await warmUp(c, '/index.m3u8');
    const prepare = async (): Promise<Plan> => {
      // the leader: answered on a release, so the round has a whole timer period
      await c.get('/index.m3u8?_HLS_msn=0');
      return {
        path: '/index.m3u8?_HLS_msn=1&_HLS_part=0',
        wrong: (body) => (Buffer.byteLength(body) === bodyBytes ? null : `a body of ${Buffer.byteLength(body)} bytes`),
        arrival: (_answers, firedAt) => releases.find((at) => at > firedAt) ?? null,
        stop: () => undefined,
      };
    };
    return { pid: child.pid!, c, prepare, close };
  } catch (err) {
    close();
    throw err;
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

// ---- figures -------------------------------------------------------------------------------

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function roundLine(i: number, r: Round): string {
  return (
    `  round ${i + 1}: ${r.ok}/${r.requests} answered 200 with the part, ${r.held} held at the arrival${r.arrivalSeen ? '' : ' (arrival not seen)'}; ` +
    `delay after arrival p50 ${f(percentile(r.delays, 50))} / p95 ${f(percentile(r.delays, 95))} / max ${f(Math.max(...r.delays))} ms; ` +
    `first-to-last answer ${f(r.spreadMs)} ms; sending took ${f(r.sendMs)} ms; ` +
    `RSS ${f(r.rss.before)} / ${f(r.rss.held)} / ${f(r.rss.after)} MB; ` +
    `CPU ${f(r.cpu.heldS * 1000, 0)} ms held vs ${f(r.cpu.idleS * 1000, 0)} ms idle over ${f(r.cpu.windowMs, 0)} ms, main thread waited ${f(r.cpu.waitedS * 1000, 0)} ms for a core` +
    (r.server ? `; server log (${r.server.logged} lines, ms from the arrival): ${r.server.heldAtArrival} taken in before it, requests in from ${f(r.server.firstReceived)} to ${f(r.server.lastReceived)}, answered p50 ${f(r.server.answeredP50)}, last ${f(r.server.answeredLast)}` : '') +
    (r.failures.length ? `; failures: ${r.failures.join(' | ')}` : '')
  );
}

interface Overall {
  ok: number;
  requests: number;
  held: number;
  p50: number;
  p95: number;
  max: number;
  spreadP50: number;
  spreadMax: number;
  rssHeldMinusBeforeMb: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heldCpuMs: number;
  idleCpuMs: number;
  cpuUsPerRequest: number;
  kbPerRequest: number;
}

function overall(rounds: Round[]): Overall {
  const delays = rounds.flatMap((r) => r.delays);
  const ok = rounds.reduce((s, r) => s + r.ok, 0);
  const heldCpu = rounds.reduce((s, r) => s + r.cpu.heldS, 0);
  const idleCpu = rounds.reduce((s, r) => s + r.cpu.idleS, 0);
  const growth = percentile(rounds.map((r) => r.rss.held - r.rss.before), 50);
  return {
    ok,
    requests: rounds.reduce((s, r) => s + r.requests, 0),
    held: rounds.reduce((s, r) => s + r.held, 0),
    p50: percentile(delays, 50),
    p95: percentile(delays, 95),
    max: Math.max(...delays),
    spreadP50: percentile(rounds.map((r) => r.spreadMs), 50),
    spreadMax: Math.max(...rounds.map((r) => r.spreadMs)),
    rssHeldMinusBeforeMb: growth,
    rssBeforeMb: percentile(rounds.map((r) => r.rss.before), 50),
    rssAfterMb: percentile(rounds.map((r) => r.rss.after), 50),
    heldCpuMs: heldCpu * 1000,
    idleCpuMs: idleCpu * 1000,
    cpuUsPerRequest: ((heldCpu - idleCpu) / Math.max(1, ok)) * 1e6,
    kbPerRequest: (growth * 1024) / REQUESTS,
  };
}

function overallLine(name: string, o: Overall): string {
  return (
    `${name.padEnd(34)} ${o.ok}/${o.requests} answered 200 with the part (${o.held} held at the arrival); ` +
    `delay after arrival p50 ${f(o.p50)} / p95 ${f(o.p95)} / max ${f(o.max)} ms; first-to-last answer p50 ${f(o.spreadP50)} / max ${f(o.spreadMax)} ms; ` +
    `RSS ${f(o.rssBeforeMb)} MB before, +${f(o.rssHeldMinusBeforeMb)} MB while held (median round) = ${f(o.kbPerRequest, 2)} KB/request, ${f(o.rssAfterMb)} MB after; ` +
    `server CPU ${f(o.heldCpuMs, 0)} ms held vs ${f(o.idleCpuMs, 0)} ms idle = ${f(o.cpuUsPerRequest, 0)} µs/request`
  );
}

const load0 = loadavg()[0]!;
// Alternating rounds, both while the show transcodes: the bare server faces the same FFmpeg for
// the cores that Hawker does. It starts after Hawker's first round, which gives it the body size.
const h = { rounds: [] as Round[], bodyBytes: 0 };
const b = { rounds: [] as Round[] };
const hawker = await startHawker();
let bare: Target | null = null;
try {
  for (let r = 0; r < ROUNDS; r++) {
    h.rounds.push(await runRound(hawker.c, hawker.pid, hawker.prepare));
    h.bodyBytes ||= h.rounds[0]!.bodyBytes;
    bare ??= await startBare(h.bodyBytes);
    b.rounds.push(await runRound(bare.c, bare.pid, bare.prepare));
  }
} finally {
  bare?.close();
  hawker.close();
}
const ho = overall(h.rounds);
const bo = overall(b.rounds);
console.log(
  `\nbench:llhls-hold: ${REQUESTS} concurrent blocking reloads (_HLS_msn/_HLS_part for the next part) on one show, ${ROUNDS} rounds, ` +
    `HTTP/1.1 keep-alive over loopback; ll-${RUNG}, ${PART_MS} ms parts, x264 ${defaultConfig.pipeline.preset}, Hawker logs at ${LOG_LEVEL}; ` +
    `client, server, transcode and publisher on the same ${availableParallelism()} cores (load average ${f(load0, 2)} before, ${f(loadavg()[0]!, 2)} after)`,
);
console.log(`Hawker (answer ${h.bodyBytes} bytes; RSS before / while held / after; server CPU over the held window vs the same length idle):`);
h.rounds.forEach((r, i) => console.log(roundLine(i, r)));
console.log(`bare node:http, Set + ${PART_MS} ms timer (same body size), its rounds between Hawker's while the show transcodes:`);
b.rounds.forEach((r, i) => console.log(roundLine(i, r)));
console.log(overallLine('Hawker', ho));
console.log(overallLine('bare node:http', bo));
console.log(
  `Hawker / bare: delay p50 ${f(ho.p50 / bo.p50, 2)}x, p95 ${f(ho.p95 / bo.p95, 2)}x; first-to-last p50 ${f(ho.spreadP50 / bo.spreadP50, 2)}x; ` +
    `CPU per request ${f(ho.cpuUsPerRequest / bo.cpuUsPerRequest, 2)}x; RSS per held request ${f(ho.kbPerRequest / bo.kbPerRequest, 2)}x`,
);
const failed = ho.requests - ho.ok + (bo.requests - bo.ok);
if (failed > 0) {
  console.log(`FAILED: ${ho.requests - ho.ok} Hawker and ${bo.requests - bo.ok} bare requests were not answered 200 with their part`);
  process.exitCode = 1;
}
