// Where a V8 CPU profile (node --cpu-prof, e.g. BENCH_PROF=1 npm run bench:orders) spent its
// time: self time by module (a package of node_modules, a file of src/, node's internals, the
// garbage collector, idle) and by function, and the inclusive time of the functions named.
// Usage: node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top=25] [function names to total inclusively, comma-separated]
// PROFILE_FROM=<function name>: count only from the first sample inside that function on (the
// start-up, module loading and schema compiling, left out: e.g. PROFILE_FROM=place).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
const from = process.env.PROFILE_FROM;

const [file, topArg, namesArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top] [names,...]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** a package, a source file, or what V8 names its own work */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/((?:src|scripts|test)\/.*)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url;
  return url;
}

const within = (id: number, name: string) => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.functionName === name) return true;
  return false;
};
const firstCounted = from ? Math.max(0, profile.samples.findIndex((id) => within(id, from))) : 0;

// microseconds per node (self)
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if (i < firstCounted) return;
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});
const busy = total - [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((s, [, t]) => s + t, 0);

const perModule = new Map<string, number>();
const perFunction = new Map<string, number>();
for (const [id, t] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const mod = moduleOf(url, functionName);
  perModule.set(mod, (perModule.get(mod) ?? 0) + t);
  const key = `${functionName || '(anonymous)'} ${mod}${url ? `:${lineNumber + 1}` : ''}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + t);
}

const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
const ms = (t: number) => `${(t / 1000).toFixed(0).padStart(7)} ms`;
console.log(`${file}${from ? ` from the first sample in ${from}` : ''}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle); shares are of busy time\n`);
console.log('self time by module:');
for (const [m, t] of [...perModule].sort((a, b) => b[1] - a[1]).slice(0, top)) if (m !== '(idle)') console.log(`${pct(t)} ${ms(t)}  ${m}`);
console.log('\nself time by function:');
for (const [f, t] of [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) if (!f.startsWith('(idle)')) console.log(`${pct(t)} ${ms(t)}  ${f}`);

if (namesArg) {
  // inclusive: a sample counts once for a name, however deep the recursion
  console.log('\ninclusive time:');
  for (const name of namesArg.split(',')) {
    let t = 0;
    for (const [id, dt] of self) if (within(id, name)) t += dt;
    console.log(`${pct(t)} ${ms(t)}  ${name}`);
  }
}
