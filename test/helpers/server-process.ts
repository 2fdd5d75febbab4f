import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GiveUp, waitFor } from './wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  httpUrl: string;
  rtmpPort: number;
  dataDir: string;
  token: string;
  /** every JSON log line the server wrote so far */
  logs: Array<Record<string, unknown>>;
  /** raw stdout + stderr, to search for leaked secrets */
  output(): string;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, then wait for the exit code */
  terminate(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL the whole process group (the server and its FFmpeg children) */
  kill(): void;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  /**
   * The x264 preset (default `ultrafast`): the tests check what the pipeline does, not how
   * the picture looks, and ultrafast takes half the CPU of the production `veryfast` on a 2-core
   * machine running two tests and Chromium at once. The benches pass the production preset.
   */
  preset?: string;
}

/** Every server this test process started and that has not exited: killed when the test process exits. */
const running = new Set<number>();
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
// A test that times out (or throws before its teardown) must not leave its detached servers, and
// their FFmpeg children, running after it: they would load the machine for every later test.
process.once('exit', () => {
  for (const pid of running) killGroup(pid);
});
// tap ends a test that ran out of time with SIGTERM, which runs no 'exit' handler by itself
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    for (const pid of running) killGroup(pid);
    process.kill(process.pid, signal);
  });
}

/**
 * Runs `src/main.ts` as its own process, as `npm start` would, on ports the OS picks (0) and a
 * temp data dir, so two runs of the suite never collide. The server is a process-group leader:
 * kill() takes its FFmpeg children with it.
 */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hawker-e2e-'));
  const token = 'test-admin-token-' + Math.random().toString(36).slice(2, 12);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HAWKER_DATA_DIR: dataDir,
      HAWKER_HTTP_HOST: '127.0.0.1',
      HAWKER_HTTP_PORT: '0',
      HAWKER_RTMP_HOST: '127.0.0.1',
      HAWKER_RTMP_PORT: '0',
      HAWKER_ADMIN_TOKEN: token,
      HAWKER_LOG_LEVEL: 'debug',
      HAWKER_X264_PRESET: options.preset ?? 'ultrafast',
      ...options.env,
    },
  });
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const pid = child.pid!;
  running.add(pid);
  void exited.then(() => running.delete(pid));
  let up: Record<string, unknown>;
  try {
    up = await waitFor(
      'the server to start',
      () => {
        if (exitCode !== undefined) throw new GiveUp(`server exited with ${exitCode}: ${raw.slice(-2000)}`);
        return logs.find((l) => l.msg === 'Hawker is up');
      },
      30_000,
    );
  } catch (err) {
    // a server too slow to start on a loaded machine is still starting: it must not outlive the test
    killGroup(pid);
    throw err;
  }
  const httpUrl = `http://127.0.0.1:${String(up.http)}`;
  return {
    child,
    pid,
    httpUrl,
    rtmpPort: up.rtmp as number,
    dataDir,
    token,
    logs,
    output: () => raw,
    api: (path, init = {}) =>
      fetch(httpUrl + path, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    terminate: async (timeoutMs = 20_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
