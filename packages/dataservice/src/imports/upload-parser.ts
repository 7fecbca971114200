// The seam to @runnerly/activity-files: the file import route needs only `parseUpload`, with that
// package's shapes, behind a type a test can supply another parser for.
export type { FileOutcome, ParsedRun } from '@runnerly/activity-files';
import type { FileOutcome, ImportLimits } from '@runnerly/activity-files';

export type UploadLimits = Pick<ImportLimits, 'maxUploadBytes'>;

/** Throws an error named UploadRejected (with `code` and `message`) when the upload as a whole is refused. */
export type UploadParser = (fileName: string, data: Uint8Array, limits?: Partial<UploadLimits>) => Promise<FileOutcome[]>;

export interface UploadRejection {
  code: string;
  message: string;
}

export function asUploadRejection(error: unknown): UploadRejection | undefined {
  if (error instanceof Error && error.name === 'UploadRejected' && typeof (error as { code?: unknown }).code === 'string') {
    return { code: (error as Error & { code: string }).code, message: error.message };
  }
  return undefined;
}
