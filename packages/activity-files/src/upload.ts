import { detectContent, isActivityFileName } from './detect.js';
import { ActivityFileError, UploadRejected } from './errors.js';
import { DataBudget, EntryTooLarge } from './inflate.js';
import { resolveLimits, type ImportLimits } from './limits.js';
import { parseZipUpload } from './strava-export.js';
import type { FileOutcome } from './types.js';
import { parseInWorker } from './worker-pool.js';

/**
 * Turns one upload into outcomes, one per activity file: a GPX, TCX or FIT file, the .gz of one, or a
 * ZIP (a Strava bulk export or a plain archive of such files). The type comes from the content (magic
 * bytes); the name is only reported back. Throws UploadRejected when the upload as a whole is refused.
 */
export async function parseUpload(fileName: string, data: Uint8Array, limits: Partial<ImportLimits> = {}): Promise<FileOutcome[]> {
  const resolved = resolveLimits(limits);
  if (data.length > resolved.maxUploadBytes) {
    throw new UploadRejected('too_large', `the upload is ${data.length} bytes, more than the limit of ${resolved.maxUploadBytes}`);
  }
  if (data.length === 0) throw new UploadRejected('unsupported_type', 'the upload is empty');
  const budget = new DataBudget(resolved);
  const kind = detectContent(data);
  if (kind === 'zip') return parseZipUpload(data, resolved, budget);

  let bytes = data;
  try {
    if (kind === 'gzip') {
      bytes = budget.inflate('gzip', data, fileName);
      const inner = detectContent(bytes);
      if (inner === 'zip' || inner === 'gzip') {
        throw new UploadRejected('unsupported_type', `${fileName} holds a compressed archive inside gzip; upload the archive itself`);
      }
    } else {
      budget.spend(data.length, fileName);
    }
  } catch (error) {
    if (error instanceof EntryTooLarge) throw new UploadRejected('too_large', error.message);
    if (error instanceof ActivityFileError) return [{ file: fileName, status: 'failed', error: error.message }];
    throw error;
  }
  if (detectContent(bytes) === 'unknown' && !isActivityFileName(fileName)) {
    throw new UploadRejected('unsupported_type', `${fileName} is not a GPX, TCX or FIT file, a .gz of one, or a ZIP archive`);
  }
  return [await parseInWorker({ fileName, bytes, maxTrackPoints: resolved.maxTrackPoints }, resolved.parseTimeoutMs)];
}
