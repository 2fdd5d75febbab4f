// Loaded before every test file (.taprc node-arg): each test process gets its own temp dir, and
// removes it when it exits. The tests make their data dirs, recordings, clips and certificates
// under os.tmpdir(); few removed them, and a full run left ~190 dirs (477 MB) in /tmp, run after
// run. os.tmpdir() reads TMPDIR on every call, so setting it here, before any test code runs,
// moves them all in: children a test starts with its environment inherit it. tsx is loaded
// first and keeps its transpile cache in the shared temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const own = mkdtempSync(join(tmpdir(), 'hawker-test-'));
process.env.TMPDIR = own;
process.on('exit', () => {
  try {
    // a tmpfs a test left mounted here stays (EBUSY); everything else goes
    rmSync(own, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // the exit must not fail over a temp dir
  }
});
