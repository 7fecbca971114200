import { availableParallelism } from 'node:os';
import { parseActivitiesCsv } from './activities-csv.js';
import { parseArchiveEntry, runInOrder } from './archive-entry.js';
import { isActivityFileName } from './detect.js';
import { UploadRejected } from './errors.js';
import type { DataBudget } from './inflate.js';
import type { ImportLimits } from './limits.js';
import { sportFromName } from './sport.js';
import type { FileOutcome } from './types.js';
import { ZipArchive, type ZipEntry } from './zip.js';

const PARSE_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism()));

/**
 * A ZIP upload: a Strava bulk export when it has an activities.csv (at its root or in one folder),
 * else any ZIP of activity files, each parsed on its own.
 */
export async function parseZipUpload(data: Uint8Array, limits: ImportLimits, budget: DataBudget): Promise<FileOutcome[]> {
  const archive = await ZipArchive.open(data, limits);
  try {
    const csv = archive.entries
      .filter((e) => e.path === 'activities.csv' || /^[^/]+\/activities\.csv$/.test(e.path))
      .sort((a, b) => a.path.length - b.path.length)[0];
    return csv ? await parseStravaExport(archive, csv, limits, budget) : await parseActivityArchive(archive, limits, budget);
  } finally {
    archive.close();
  }
}

/**
 * activities.csv decides: its runs are parsed from the files it names (name, description and sport
 * from the CSV win), its other activities are skipped, and activity files it does not list are skipped.
 */
async function parseStravaExport(archive: ZipArchive, csvEntry: ZipEntry, limits: ImportLimits, budget: DataBudget): Promise<FileOutcome[]> {
  const folder = csvEntry.path.slice(0, csvEntry.path.length - 'activities.csv'.length);
  let csvText: string;
  try {
    csvText = new TextDecoder('utf-8').decode(await archive.read(csvEntry, budget));
  } catch (error) {
    if (error instanceof UploadRejected) throw error;
    throw new UploadRejected('bad_archive', `activities.csv cannot be read: ${(error as Error).message}`);
  }
  const rows = parseActivitiesCsv(csvText, limits.maxEntries);
  const listed = new Set<string>();
  const tasks = rows.map((row): (() => Promise<FileOutcome>) => {
    const file = row.fileName || `activities.csv row ${row.row} (activity ${row.activityId || 'without id'})`;
    const sport = sportFromName(row.type);
    if (row.fileName) listed.add(folder + row.fileName);
    if ('other' in sport) return async () => ({ file, status: 'skipped', reason: `not a run (${row.type || 'no type'})` });
    if (!row.fileName) return async () => ({ file, status: 'skipped', reason: 'no activity file (a manual activity)' });
    const entry = archive.find(folder + row.fileName);
    if (!entry) {
      return async () => ({ file, status: 'failed', error: `activities.csv names ${row.fileName}, which is not in the archive` });
    }
    return () => parseArchiveEntry(archive, entry, budget, limits, { name: row.name, description: row.description, sport });
  });
  const outcomes = await runInOrder(tasks, PARSE_CONCURRENCY);
  for (const entry of archive.entries) {
    if (isActivityFileName(entry.path) && !listed.has(entry.path)) {
      outcomes.push({ file: entry.path, status: 'skipped', reason: 'not listed in activities.csv' });
    }
  }
  return outcomes;
}

/** A ZIP without activities.csv: every .gpx/.tcx/.fit (or .gz of one) in it; other entries are ignored. */
async function parseActivityArchive(archive: ZipArchive, limits: ImportLimits, budget: DataBudget): Promise<FileOutcome[]> {
  const files = archive.entries.filter((e) => isActivityFileName(e.path));
  if (files.length === 0) {
    throw new UploadRejected('no_activities', 'the archive has no activities.csv and no .gpx, .tcx or .fit file');
  }
  return runInOrder(
    files.map((entry) => () => parseArchiveEntry(archive, entry, budget, limits)),
    PARSE_CONCURRENCY,
  );
}
