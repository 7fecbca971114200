// Writes the two result files under docs/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRecord } from './bench-record.js';
import { renderMarkdown } from './markdown-report.js';
import { DOCS_DIR } from './paths.js';

export function writeReportFiles(record: BenchRecord): string[] {
  mkdirSync(DOCS_DIR, { recursive: true });
  const markdownFile = join(DOCS_DIR, 'benchmarks.md');
  const previous = existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : '';
  writeFileSync(join(DOCS_DIR, 'benchmarks.json'), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(markdownFile, withSectionsKept(renderMarkdown(record), previous));
  return ['docs/benchmarks.md', 'docs/benchmarks.json'];
}

/** A section another script wrote (the dashboard's, the tracing overhead's...), between its markers. */
const MARKED_SECTION = /<!-- ([a-z0-9-]+):start -->[\s\S]*?<!-- \1:end -->/g;

/**
 * The new report, followed by the marked sections of the previous one that it does not contain:
 * the scripts that are not part of `npm run bench` write their own sections, which a bench run keeps.
 */
export function withSectionsKept(report: string, previous: string): string {
  const rendered = new Set([...report.matchAll(MARKED_SECTION)].map((match) => match[1]));
  const kept = [...previous.matchAll(MARKED_SECTION)].filter((match) => !rendered.has(match[1])).map((match) => match[0]);
  return kept.length === 0 ? report : `${report.trimEnd()}\n\n${kept.join('\n\n')}\n`;
}
