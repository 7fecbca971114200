import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { ActivityFileError, UploadRejected } from './errors.js';
import type { DataBudget } from './inflate.js';
import type { ImportLimits } from './limits.js';

export interface ZipEntry {
  /** The entry's path, checked safe (relative, no '..', no backslash, no NUL). */
  path: string;
  readonly entry: Entry;
}

/**
 * A ZIP archive read from memory with yauzl. Nothing is ever written to disk: entry names are only
 * used to look entries up, and unsafe ones refuse the whole upload anyway (no legitimate export has them).
 */
export class ZipArchive {
  private readonly byPath = new Map<string, ZipEntry>();

  private constructor(
    private readonly zipFile: ZipFile,
    readonly entries: readonly ZipEntry[],
  ) {
    // The first of duplicate names wins, as with most unzip tools.
    for (const entry of entries) if (!this.byPath.has(entry.path)) this.byPath.set(entry.path, entry);
  }

  static async open(data: Uint8Array, limits: ImportLimits): Promise<ZipArchive> {
    let zipFile: ZipFile;
    try {
      zipFile = await yauzl.fromBufferPromise(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false, // names are decoded and checked below, NUL bytes included
        validateEntrySizes: false, // sizes are counted while inflating instead
      });
    } catch (error) {
      throw new UploadRejected('bad_archive', `not a readable ZIP archive: ${(error as Error).message}`);
    }
    if (zipFile.entryCount > limits.maxEntries) {
      zipFile.close();
      throw new UploadRejected('too_many_entries', `the archive has ${zipFile.entryCount} entries, more than the limit of ${limits.maxEntries}`);
    }
    const entries: ZipEntry[] = [];
    try {
      for await (const entry of zipFile.eachEntry()) {
        const path = safeEntryPath(entry);
        if (!path.endsWith('/')) entries.push({ path, entry });
      }
    } catch (error) {
      zipFile.close();
      if (error instanceof UploadRejected) throw error;
      throw new UploadRejected('bad_archive', `the ZIP archive is damaged: ${(error as Error).message}`);
    }
    return new ZipArchive(zipFile, entries);
  }

  find(path: string): ZipEntry | undefined {
    return this.byPath.get(path);
  }

  /** The entry's bytes, decompressed under the budget. */
  async read(zipEntry: ZipEntry, budget: DataBudget): Promise<Uint8Array> {
    const { entry, path } = zipEntry;
    if (entry.isEncrypted()) throw new ActivityFileError('encrypted ZIP entries are not supported');
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new ActivityFileError(`ZIP compression method ${entry.compressionMethod} is not supported (only stored and deflate)`);
    }
    const raw = await this.readRaw(entry);
    if (entry.compressionMethod === 0) {
      budget.spend(raw.length, path);
      return raw;
    }
    return budget.inflate('deflate-raw', raw, path);
  }

  close(): void {
    this.zipFile.close();
  }

  private async readRaw(entry: Entry): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    try {
      const stream = await this.zipFile.openReadStreamPromise(entry, { decodeFileData: false });
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw new ActivityFileError(`the ZIP entry cannot be read: ${(error as Error).message}`);
    }
    const raw = Buffer.concat(chunks);
    if (raw.length !== entry.compressedSize) throw new ActivityFileError('the ZIP entry is truncated');
    return raw;
  }
}

function safeEntryPath(entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  const problem = unsafeNameProblem(raw, path);
  if (problem !== null) {
    throw new UploadRejected('unsafe_entry_name', `the archive has an entry named ${JSON.stringify(path)}: ${problem}`);
  }
  return path;
}

function unsafeNameProblem(raw: Buffer, path: string): string | null {
  if (raw.includes(0) || path.includes('\0')) return 'a NUL byte in a name';
  if (path === '') return 'an empty name';
  if (path.includes('\\')) return 'a backslash in a name';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'an absolute path';
  if (path.split('/').includes('..')) return 'a ".." path segment';
  return null;
}
