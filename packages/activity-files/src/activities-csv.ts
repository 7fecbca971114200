import { parse } from 'csv-parse/sync';
import { UploadRejected } from './errors.js';

/** One row of a Strava bulk export's activities.csv, the columns Runnerly uses. */
export interface ExportedActivity {
  /** 1-based data row number (the header is row 0). */
  row: number;
  activityId: string;
  name: string;
  type: string;
  description: string;
  /** Path of the activity file inside the export ('activities/123.fit.gz'), '' for a manual activity. */
  fileName: string;
}

const REQUIRED_COLUMNS = ['Activity ID', 'Activity Type', 'Filename'] as const;

/**
 * Strava's activities.csv is RFC 4180 CSV (quoted fields with commas, quotes and newlines) with a
 * header row that repeats some names ("Distance", "Elapsed Time"...): the first column of a name is used.
 */
export function parseActivitiesCsv(text: string, maxRows: number): ExportedActivity[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, to: maxRows + 2 }) as string[][];
  } catch (error) {
    throw new UploadRejected('bad_archive', `activities.csv is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new UploadRejected('bad_archive', 'activities.csv is empty');
  if (rows.length > maxRows) {
    throw new UploadRejected('too_many_entries', `activities.csv lists more than ${maxRows} activities`);
  }
  const column = (name: string) => header.findIndex((h) => h.trim() === name);
  for (const name of REQUIRED_COLUMNS) {
    if (column(name) === -1) throw new UploadRejected('bad_archive', `activities.csv has no "${name}" column`);
  }
  const at = (row: string[], name: string) => {
    const index = column(name);
    return index === -1 ? '' : (row[index] ?? '');
  };
  return rows.map((row, i) => ({
    row: i + 1,
    activityId: at(row, 'Activity ID').trim(),
    name: at(row, 'Activity Name'),
    type: at(row, 'Activity Type').trim(),
    description: at(row, 'Activity Description'),
    fileName: at(row, 'Filename').trim(),
  }));
}
