// The seam to @runnerly/activity-files: the file import route needs only `parseUpload`, typed here
// by the part of that package's shapes it reads, so a test can supply another parser.
export interface ParsedRun {
  external_id: string;
  file_name: string;
  name: string;
  description: string | null;
  sport_type: string;
  start_date: string;
  start_date_local: string | null;
  timezone: string | null;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed: number | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
  summary_polyline: string | null;
}

export type FileOutcome =
  | { file: string; status: 'parsed'; run: ParsedRun }
  | { file: string; status: 'skipped'; reason: string }
  | { file: string; status: 'failed'; error: string };

export interface UploadLimits {
  maxUploadBytes: number;
}

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
