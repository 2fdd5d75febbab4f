// Prints, after a test run, what a reader of only the log's last lines needs: each failed
// assertion with its file and diagnostics, and the slowest files. CI keeps only the tail of a
// long log, and tap prints a failure where it happens, hundreds of lines before the summary.
// Usage: node scripts/test-report.mjs <epoch seconds the run started>
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const resultsDir = '.tap/test-results';
const startedAtMs = Number(process.argv[2] ?? 0) * 1000;
const maxDiagnosticLines = 30;

function* tapFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tapFiles(path);
    else if (entry.name.endsWith('.tap')) yield path;
  }
}

// A failed assertion: its "not ok" line, the subtests it sits in, and its YAML block.
function failuresIn(text) {
  const lines = text.split('\n');
  const failures = [];
  const openSubtests = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      openSubtests.length = depth;
      openSubtests[depth] = subtest[2];
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+ - (.*)$/.exec(line);
    if (!result) continue;
    const depth = result[1].length / 4;
    if (result[2] === 'ok') {
      for (const f of failures) if (f.depth > depth) f.open = false;
      continue;
    }
    // a parent subtest fails when a child does: report the child only
    const next = lines[i + 1] ?? '';
    const hasDiagnostics = /^\s*---\s*$/.test(next);
    const diagnostics = [];
    if (hasDiagnostics) {
      // the source excerpt and the call site repeat what the stack says: keep the rest
      const baseIndent = /^\s*/.exec(lines[i + 2] ?? '')[0].length;
      let skipping = false;
      for (let j = i + 2; j < lines.length && !/^\s*\.\.\.\s*$/.test(lines[j]); j += 1) {
        const indent = /^\s*/.exec(lines[j])[0].length;
        if (indent === baseIndent && lines[j].trim() !== '') skipping = /^\s*(source|at):/.test(lines[j]);
        if (!skipping) diagnostics.push(lines[j].slice(Math.min(indent, baseIndent)));
      }
    }
    // a subtest fails because a child did: the child's failure already says why
    const failedChildren = failures.filter((f) => f.depth > depth && f.open);
    if (failedChildren.length > 0) {
      for (const f of failedChildren) f.depth = depth;
      continue;
    }
    failures.push({
      depth,
      open: true,
      where: [...openSubtests.slice(0, depth), result[3]].filter(Boolean).join(' > '),
      diagnostics,
    });
  }
  return failures;
}

const runs = [];
for (const path of tapFiles(resultsDir)) {
  const stat = statSync(path);
  if (stat.mtimeMs < startedAtMs) continue;
  const text = readFileSync(path, 'utf8');
  const file = relative(resultsDir, path).replace(/\.tap$/, '');
  const times = [...text.matchAll(/^# time=([\d.]+)ms$/gm)];
  const ms = times.length > 0 ? Number(times[times.length - 1][1]) : NaN;
  const bailed = !/^1\.\.\d+/m.test(text) || /^Bail out!/m.test(text);
  runs.push({ file, ms, failures: failuresIn(text), bailed });
}

const failed = runs.filter((run) => run.failures.length > 0);
console.log(`\n# test report: ${runs.length} files run since the start of this test command`);
console.log('# slowest files:');
for (const run of [...runs].sort((a, b) => (b.ms || 0) - (a.ms || 0)).slice(0, 12)) {
  console.log(`#   ${(run.ms / 1000).toFixed(1).padStart(6)} s  ${run.file}`);
}
const unfinished = runs.filter((run) => run.bailed && run.failures.length === 0);
for (const run of unfinished) console.log(`# did not finish its plan: ${run.file}`);
if (failed.length === 0) {
  console.log('# no failed assertions');
} else {
  console.log(`# FAILED in ${failed.length} file(s):`);
  for (const run of failed) {
    for (const failure of run.failures) {
      console.log(`# not ok: ${run.file} > ${failure.where}`);
      for (const line of failure.diagnostics.slice(0, maxDiagnosticLines)) console.log(`#     ${line}`);
    }
  }
}
