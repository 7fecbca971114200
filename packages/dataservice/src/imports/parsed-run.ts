// A run parsed from a file is held to the same bounds as one the Strava service sends: the
// parser's output is input too.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ImportedRunSchema, type ImportedRun } from '../schemas/run-schemas.js';
import type { ParsedRun } from './upload-parser.js';

const importedRun = TypeCompiler.Compile(ImportedRunSchema);

/** The run as an import, or what is wrong with it. */
export function parsedRunAsImport(run: ParsedRun): { run: ImportedRun } | { error: string } {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- file_name is reported, not stored
  const { file_name, ...fields } = run;
  const candidate = { ...fields, source: 'file' as const };
  const problem = importedRun.Errors(candidate).First();
  if (problem) return { error: `${problem.path.slice(1) || 'run'}: ${problem.message}` };
  return { run: candidate };
}
