import { detectContent } from './detect.js';
import { ActivityFileError } from './errors.js';
import type { DataBudget } from './inflate.js';
import type { ImportLimits } from './limits.js';
import type { RunOverrides } from './run-record.js';
import type { FileOutcome } from './types.js';
import { parseInWorker } from './worker-pool.js';
import type { ZipArchive, ZipEntry } from './zip.js';

/**
 * Reads one archive entry (gunzipping a .gz inside it) and parses it in a worker. A problem with
 * this file is its `failed` outcome; an UploadRejected (bomb, total size) propagates and stops the upload.
 */
export async function parseArchiveEntry(
  archive: ZipArchive,
  zipEntry: ZipEntry,
  budget: DataBudget,
  limits: ImportLimits,
  overrides?: RunOverrides,
): Promise<FileOutcome> {
  const file = zipEntry.path;
  let bytes: Uint8Array;
  try {
    bytes = await archive.read(zipEntry, budget);
    if (detectContent(bytes) === 'gzip') bytes = budget.inflate('gzip', bytes, file);
  } catch (error) {
    if (error instanceof ActivityFileError) return { file, status: 'failed', error: error.message };
    throw error;
  }
  return parseInWorker({ fileName: file, bytes, maxTrackPoints: limits.maxTrackPoints, overrides }, limits.parseTimeoutMs);
}

/** Runs tasks with at most `concurrency` at a time, keeping their order; the first rejection stops the rest. */
export async function runInOrder<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < tasks.length) {
      const index = next++;
      try {
        results[index] = await tasks[index]!();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, runner));
  return results;
}
