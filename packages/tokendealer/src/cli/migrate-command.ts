import { Command } from 'commander';
import { migratedLine } from '@runnerly/database';
import { openDatabase, migrateToLatest } from '../storage/database.js';
import { addConfigOptions, configFrom } from './options.js';

/** `tokendealer migrate`: the migrations `serve` applies at start, alone, so a release can run them once. */
export function migrateCommand(): Command {
  return addConfigOptions(new Command('migrate').description('bring the database to the latest version and exit'), ['db']).action(
    async (flags: Record<string, unknown>) => {
      const handle = openDatabase(configFrom(flags).db);
      let applied: string[];
      try {
        applied = await migrateToLatest(handle.db, handle.kind);
      } finally {
        await handle.close();
      }
      console.log(`tokendealer: ${migratedLine(applied)}`);
    },
  );
}
