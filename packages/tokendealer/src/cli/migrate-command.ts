import { Command } from 'commander';
import { migratedLine } from '@runnerly/database';
import { openDatabase, migrateToLatest } from '../storage/database.js';
import { addConfigOptions, configFrom } from './options.js';

/** `tokendealer migrate`: the migrations `serve` applies at start, alone, so a release can run them once. */
export function migrateCommand(): Command {
  return addConfigOptions(new Command('migrate').description('bring the database to the latest version and exit'), ['db']).action(
    async (flags: Record<string, unknown>) => {
      const { db } = configFrom(flags);
      let applied: string[];
      try {
        const handle = openDatabase(db);
        try {
          applied = await migrateToLatest(handle.db, handle.kind);
        } finally {
          await handle.close();
        }
      } catch (error) {
        // One line, like every service's migrate command; the CLI prints it after `tokendealer: `.
        throw new Error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      console.log(`tokendealer: ${migratedLine(applied)}`);
    },
  );
}
