import { isIP } from 'node:net';
import { Command } from 'commander';
import { normalizeEmail } from '../accounts/email-address.js';
import { AccountInputError } from '../accounts/account-errors.js';
import { addressGroup } from '../throttle/address-group.js';
import { throttleSubject } from '../throttle/throttle-key.js';
import { installationKeyHasher } from '../throttle/throttle-key-hasher.js';
import type { ClearFilter } from '../storage/failure-count-store.js';
import { openInstallation } from '../tokendealer.js';
import { addConfigOptions, configFrom, STORAGE_OPTIONS } from './options.js';
import { CliError, printJson } from './output.js';

interface ClearTarget {
  /** What the operator asked for, as printed back. */
  shown: Record<string, string | boolean>;
  subject?: string;
  address?: string;
}

/** Checks the flags before anything opens the database: a bad one changes nothing. */
function clearTarget(flags: Record<string, unknown>): ClearTarget {
  const email = typeof flags.email === 'string' ? flags.email : undefined;
  const client = typeof flags.client === 'string' ? flags.client : undefined;
  const address = typeof flags.address === 'string' ? flags.address : undefined;
  if (flags.all === true) {
    if (email !== undefined || client !== undefined || address !== undefined) throw new CliError('--all clears every key: give it alone');
    return { shown: { all: true } };
  }
  if (email === undefined && client === undefined && address === undefined) throw new CliError('say what to clear: --email or --client, and/or --address; or --all');
  // No key names both: the combination would clear nothing, which is surely not what was meant.
  if (email !== undefined && client !== undefined) throw new CliError('no key names both an email and a client: give --email or --client');
  const target: ClearTarget = { shown: {} };
  if (email !== undefined) {
    try {
      const normalized = normalizeEmail(email);
      target.subject = throttleSubject.email(normalized.key);
      target.shown.email = normalized.email;
    } catch (error) {
      if (error instanceof AccountInputError) throw new CliError(`--email ${email}: ${error.message.replace(/\.$/, '')}`);
      throw error;
    }
  }
  if (client !== undefined) {
    if (client === '') throw new CliError('--client needs a client id');
    target.subject = throttleSubject.client(client);
    target.shown.client = client;
  }
  if (address !== undefined) {
    if (isIP(address) === 0) throw new CliError(`--address ${address}: not an IPv4 or IPv6 address`);
    // Failures are counted per IPv6 /64: clearing one address clears its /64.
    target.address = addressGroup(address);
    target.shown.address = target.address;
  }
  return target;
}

export function throttleCommand(): Command {
  const throttle = new Command('throttle').description('manage the failure limits shared by the servers on the database');

  addConfigOptions(
    throttle
      .command('clear')
      .description('clear failure counts and lockouts, and print what was cleared as JSON (running servers drop the lockouts at their next poll)')
      .option('--email <email>', 'the keys of an email: sign-ins of its account (at every address, or at --address) and its mail requests')
      .option('--client <client-id>', 'the keys of a client: its failed authentications (at every address, or at --address)')
      .option('--address <ip>', 'the keys of a client address (IPv6: its /64); with --email or --client, only theirs at this address')
      .option('--all', 'every key'),
    STORAGE_OPTIONS,
  ).action(async (flags: Record<string, unknown>) => {
    const target = clearTarget(flags);
    const config = configFrom(flags);
    const { storage } = await openInstallation(config);
    try {
      // The keys are stored hashed: the same installation key hashes what the operator named.
      const hasher = await installationKeyHasher(storage.settings, config.masterSecret);
      const filter: ClearFilter = {};
      if (target.subject !== undefined) filter.subjectHash = hasher.hash(target.subject);
      if (target.address !== undefined) filter.addressHash = hasher.hash(target.address);
      const kinds = await storage.failureCounts.clear(filter, Date.now());
      printJson({
        ...target.shown,
        cleared: kinds.reduce((sum, kind) => sum + kind.keys, 0),
        blocked: kinds.reduce((sum, kind) => sum + kind.blocked, 0),
        kinds: Object.fromEntries(kinds.map((kind) => [kind.kind ?? 'unknown', { cleared: kind.keys, blocked: kind.blocked }])),
      });
    } finally {
      await storage.close();
    }
  });

  return throttle;
}
