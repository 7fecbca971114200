#!/usr/bin/env node
// Builds what is out of date: the TypeScript workspace (tsc -b is incremental), then the
// dashboard's front end with Vite when a source file is newer than the last build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestIn(path) : stat.mtimeMs);
  }
  return newest;
}

run(process.execPath, ['node_modules/typescript/bin/tsc', '-b']);
const web = 'packages/dashboard/web';
const built = join(web, 'dist', 'index.html');
if (process.argv.includes('--force') || !existsSync(built) || newestIn(web) > statSync(built).mtimeMs) {
  run('npm', ['run', 'build:web', '--silent', '-w', '@runnerly/dashboard']);
}
