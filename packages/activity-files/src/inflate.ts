import { gunzipSync, inflateRawSync } from 'node:zlib';
import { ActivityFileError, UploadRejected } from './errors.js';
import { RATIO_GRACE_BYTES, type ImportLimits } from './limits.js';

/** Counts the decompressed bytes of one upload against its total. */
export class DataBudget {
  private used = 0;
  constructor(readonly limits: ImportLimits) {}

  get remaining(): number {
    return this.limits.maxTotalUncompressedBytes - this.used;
  }

  /** Accounts bytes that were not compressed (a stored ZIP entry, a plain upload). */
  spend(byteCount: number, name: string): void {
    if (byteCount > this.limits.maxEntryBytes) throw new EntryTooLarge(name, this.limits.maxEntryBytes);
    if (byteCount > this.remaining) throw tooMuchData(this.limits);
    this.used += byteCount;
  }

  /**
   * Inflates while counting: zlib stops at the first byte past the smallest of the entry limit, the
   * remaining total and the ratio limit, whatever sizes the archive declares.
   */
  inflate(format: 'gzip' | 'deflate-raw', compressed: Uint8Array, name: string): Uint8Array {
    const { maxEntryBytes, maxCompressionRatio } = this.limits;
    const ratioCap = Math.max(RATIO_GRACE_BYTES, Math.floor(compressed.length * maxCompressionRatio));
    const cap = Math.min(maxEntryBytes, this.remaining, ratioCap);
    if (cap <= 0) throw tooMuchData(this.limits);
    let output: Uint8Array;
    try {
      output = format === 'gzip' ? gunzipSync(compressed, { maxOutputLength: cap }) : inflateRawSync(compressed, { maxOutputLength: cap });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
        const what = format === 'gzip' ? 'gzip' : 'deflate';
        throw new ActivityFileError(`corrupt ${what} data: ${(error as Error).message}`);
      }
      if (cap === this.remaining) throw tooMuchData(this.limits);
      if (cap === maxEntryBytes) throw new EntryTooLarge(name, maxEntryBytes);
      throw new UploadRejected(
        'compression_ratio',
        `${name} decompresses to more than ${maxCompressionRatio} times its compressed size (${compressed.length} bytes): refused as a decompression bomb`,
      );
    }
    this.used += output.length;
    return output;
  }
}

/** One file is over maxEntryBytes: a `failed` outcome inside an archive, the whole upload otherwise. */
export class EntryTooLarge extends ActivityFileError {
  constructor(name: string, limit: number) {
    super(`${name} is larger than ${limit} bytes uncompressed`);
  }
}

function tooMuchData(limits: ImportLimits): UploadRejected {
  return new UploadRejected('too_much_data', `the upload decompresses to more than ${limits.maxTotalUncompressedBytes} bytes in all`);
}
