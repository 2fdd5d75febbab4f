import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'A'.repeat(43);

/**
 * The policy as main.ts installs it, in a process of its own: a tiny script imports it, lets
 * an error escape, and must end non-zero with the error and its stack in the log.
 */
function runScript(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    import { createLogger } from './src/log/logger.ts';
    import { installLastResort } from './src/log/last-resort.ts';
    installLastResort(createLogger({ level: 'info', pretty: false }));
    ${body}
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function fatalLine(stdout: string): Record<string, unknown> | undefined {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.level === 60);
}

t.test('an unhandled rejection is logged with its stack and the process exits non-zero', async (t) => {
  const { code, stdout, stderr } = await runScript(`
    async function placeOrder() { throw new Error('boom in placeOrder rtmp://h/live/${KEY}'); }
    void placeOrder();
    setTimeout(() => console.log('STILL RUNNING'), 3000);
  `);
  t.equal(code, 70, `exit code 70 (stderr: ${stderr.slice(0, 300)})`);
  t.notMatch(stdout, /STILL RUNNING/, 'it did not carry on');
  const line = fatalLine(stdout);
  t.ok(line, 'one fatal log line');
  const err = line?.err as { message: string; stack: string } | undefined;
  t.equal(line?.kind, 'unhandledRejection');
  t.match(err?.message, /boom in placeOrder/);
  t.match(err?.stack, /at placeOrder/, 'the stack says where');
  t.notOk(stdout.includes(KEY), 'a stream key in the message is redacted');
});

t.test('an uncaught exception in a timer, and a rejection with a non-Error, exit the same way', async (t) => {
  const thrown = await runScript(`setTimeout(function tick() { throw new TypeError('tick broke'); }, 10);`);
  t.equal(thrown.code, 70);
  t.equal(fatalLine(thrown.stdout)?.kind, 'uncaughtException');
  t.match((fatalLine(thrown.stdout)?.err as { stack: string }).stack, /TypeError: tick broke\n\s+at Timeout.tick/);
  const odd = await runScript(`void Promise.reject({ weird: true });`);
  t.equal(odd.code, 70);
  t.match((fatalLine(odd.stdout)?.err as { message: string }).message, '{"weird":true}');
});
