// Writes the two result files under docs/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRecord } from './bench-record.js';
import { renderMarkdown } from './markdown-report.js';
import { DOCS_DIR } from './paths.js';

export function writeReportFiles(record: BenchRecord): string[] {
  mkdirSync(DOCS_DIR, { recursive: true });
  writeFileSync(join(DOCS_DIR, 'benchmarks.json'), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(DOCS_DIR, 'benchmarks.md'), renderMarkdown(record));
  return ['docs/benchmarks.md', 'docs/benchmarks.json'];
}
