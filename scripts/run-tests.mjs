#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/test/**/*.test.js) with node's test runner.
// Tests are compiled by `tsc -b` first, so what runs is exactly what type-checked.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const files = readdirSync('packages')
  .map((pkg) => join('packages', pkg, 'dist', 'test'))
  .filter((dir) => { try { return statSync(dir).isDirectory(); } catch { return false; } })
  .flatMap(findTests)
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

if (!process.env.TEST_POSTGRES_URL) {
  console.log('# PostgreSQL tests skipped: TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)');
}

// Tests that start the whole system (a dozen processes or containers, and a browser), or many
// processes to kill and restart under load (system-fault), run after the others, one at a time:
// their files are named system-*.
const isSystemTest = (file) => basename(file).startsWith('system-');
const runs = [
  { files: files.filter((file) => !isSystemTest(file)), concurrency: 2, timeoutMs: 120_000 },
  { files: files.filter(isSystemTest), concurrency: 1, timeoutMs: 1_800_000 },
];
let status = 0;
for (const { files: group, concurrency, timeoutMs } of runs) {
  if (group.length === 0) continue;
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, ...group],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
