/** Bounds on everything an upload can make the parser do. */
export interface ImportLimits {
  /** Size of the upload itself (the file or the ZIP as received). */
  maxUploadBytes: number;
  /** Entries in a ZIP archive (its central directory count), and rows of its activities.csv. */
  maxEntries: number;
  /** Decompressed size of one file (a ZIP entry or a .gz). */
  maxEntryBytes: number;
  /** Decompressed size of all files of one upload together. */
  maxTotalUncompressedBytes: number;
  /** Decompressed bytes per compressed byte, checked while inflating (past RATIO_GRACE_BYTES of output). */
  maxCompressionRatio: number;
  /** Track points (GPX trkpt, TCX Trackpoint, FIT record) in one file. */
  maxTrackPoints: number;
  /** Wall time to parse one file in its worker thread. */
  parseTimeoutMs: number;
}

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: ImportLimits = Object.freeze({
  maxUploadBytes: 50 * MB,
  maxEntries: 5000,
  maxEntryBytes: 50 * MB,
  maxTotalUncompressedBytes: 1024 * MB,
  maxCompressionRatio: 100,
  maxTrackPoints: 200_000,
  parseTimeoutMs: 10_000,
});

/**
 * Output below this size is never refused for its ratio: small, very regular files (a short CSV, a
 * GPX of a treadmill run) compress far better than 100:1 and are harmless.
 */
export const RATIO_GRACE_BYTES = 1 * MB;

export function resolveLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ImportLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
