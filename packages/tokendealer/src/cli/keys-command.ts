import { Command } from 'commander';
import { openInstallation, nowSeconds } from '../tokendealer.js';
import { RotationTooSoonError, rotateSigningKeys } from '../keys/key-rotation.js';
import { viewKey } from '../keys/key-view.js';
import { addConfigOptions, configFrom, STORAGE_OPTIONS } from './options.js';
import { CliError, printJson } from './output.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('list and rotate signing keys');

  addConfigOptions(keys.command('list').description('list signing keys as JSON'), [...STORAGE_OPTIONS, 'accessTokenTtl']).action(
    async (flags: Record<string, unknown>) => {
      const config = configFrom(flags);
      const { storage } = await openInstallation(config);
      try {
        const now = nowSeconds();
        printJson((await storage.keys.list()).map((key) => viewKey(key, now, config.accessTokenTtl)));
      } finally {
        await storage.close();
      }
    },
  );

  addConfigOptions(
    keys
      .command('rotate')
      .description('start signing with the published next key, retire the current one and publish a new next key (same algorithm)')
      .option('--force', 'rotate even if the next key was published less than 5 minutes ago (verifiers may not have it yet)'),
    STORAGE_OPTIONS,
  ).action(async (flags: Record<string, unknown>) => {
    const config = configFrom(flags);
    const { storage, encryption } = await openInstallation(config);
    try {
      printJson(await rotateSigningKeys(storage.keys, encryption, nowSeconds(), { force: flags.force === true }));
    } catch (error) {
      if (error instanceof RotationTooSoonError) throw new CliError(error.message);
      throw error;
    } finally {
      await storage.close();
    }
  });

  return keys;
}
