import type { Activity } from './activity.js';
import { detectContent, xmlFormatOf } from './detect.js';
import { ActivityFileError, NotARun } from './errors.js';
import { parseFit } from './fit.js';
import { parseGpx } from './gpx.js';
import { toParsedRun, type RunOverrides } from './run-record.js';
import { parseTcx } from './tcx.js';
import type { FileOutcome } from './types.js';

/** One activity file (already decompressed) to parse; what is posted to a parse worker. */
export interface ParseJob {
  fileName: string;
  bytes: Uint8Array;
  maxTrackPoints: number;
  overrides?: RunOverrides;
}

/** Parses one file into an outcome; never throws. */
export function parseActivityFile(job: ParseJob): FileOutcome {
  const file = job.fileName;
  try {
    const activity = readActivity(job);
    return { file, status: 'parsed', run: toParsedRun(activity, file, job.bytes, job.overrides) };
  } catch (error) {
    if (error instanceof NotARun) return { file, status: 'skipped', reason: error.message };
    if (error instanceof ActivityFileError) return { file, status: 'failed', error: error.message };
    return { file, status: 'failed', error: `the file could not be read: ${(error as Error)?.message ?? String(error)}` };
  }
}

function readActivity({ fileName, bytes, maxTrackPoints }: ParseJob): Activity {
  switch (detectContent(bytes)) {
    case 'fit':
      return parseFit(bytes, maxTrackPoints);
    case 'xml':
      return xmlFormatOf(bytes, fileName) === 'tcx' ? parseTcx(bytes, maxTrackPoints) : parseGpx(bytes, maxTrackPoints);
    case 'gzip':
    case 'zip':
      throw new ActivityFileError('a compressed file inside a compressed file is not accepted');
    default:
      throw new ActivityFileError('not a GPX, TCX or FIT file (its content is none of them)');
  }
}
