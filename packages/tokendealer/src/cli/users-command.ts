import { Command } from 'commander';
import { AccountService } from '../accounts/account-service.js';
import { AccountInputError } from '../accounts/account-errors.js';
import { LinkTokens } from '../accounts/link-tokens.js';
import { PasswordHasher } from '../accounts/password-hasher.js';
import { viewUser, type UserRecord } from '../accounts/user.js';
import { openInstallation } from '../tokendealer.js';
import { addConfigOptions, configFrom, STORAGE_OPTIONS } from './options.js';
import { CliError, printJson } from './output.js';

async function withAccounts<T>(flags: Record<string, unknown>, run: (accounts: AccountService) => Promise<T>): Promise<T> {
  const { storage } = await openInstallation(configFrom(flags));
  try {
    return await run(new AccountService({ users: storage.users, linkTokens: new LinkTokens(storage.linkTokens), hasher: new PasswordHasher() }));
  } catch (error) {
    if (error instanceof AccountInputError) throw new CliError(error.message.replace(/\.$/, ''));
    throw error;
  } finally {
    await storage.close();
  }
}

async function findUser(accounts: AccountService, idOrEmail: string): Promise<UserRecord> {
  const user = await accounts.find(idOrEmail);
  if (!user) throw new CliError(`no user ${idOrEmail}`);
  return user;
}

export function usersCommand(): Command {
  const users = new Command('users').description('create and manage user accounts');

  addConfigOptions(
    users
      .command('create')
      .description('create a user and print it as JSON (never the password hash)')
      .requiredOption('--email <email>', 'the email address, which is also the sign-in name')
      .requiredOption('--password <password>', 'the password (8 to 128 characters)')
      .option('--confirmed', 'make the account active at once, without an emailed confirmation'),
    STORAGE_OPTIONS,
  ).action(async (flags: Record<string, unknown>) => {
    printJson(await withAccounts(flags, (accounts) => accounts.create(flags.email as string, flags.password as string, flags.confirmed === true)));
  });

  addConfigOptions(users.command('list').description('list users as JSON'), STORAGE_OPTIONS).action(async (flags: Record<string, unknown>) => {
    printJson(await withAccounts(flags, (accounts) => accounts.list()));
  });

  addConfigOptions(
    users.command('disable').argument('<id-or-email>').description('disable a user: it can no longer sign in, and its sessions end'),
    STORAGE_OPTIONS,
  ).action(async (idOrEmail: string, flags: Record<string, unknown>) => {
    printJson(await withAccounts(flags, async (accounts) => {
      const user = await findUser(accounts, idOrEmail);
      await accounts.disable(user.userId);
      return viewUser((await accounts.find(user.userId)) ?? user);
    }));
  });

  addConfigOptions(
    users.command('delete').argument('<id-or-email>').description('delete a user with its sessions'),
    STORAGE_OPTIONS,
  ).action(async (idOrEmail: string, flags: Record<string, unknown>) => {
    printJson(await withAccounts(flags, async (accounts) => {
      const user = await findUser(accounts, idOrEmail);
      if (!(await accounts.delete(user.userId))) throw new CliError(`no user ${idOrEmail}`);
      return { id: user.userId, email: user.email, deleted: true };
    }));
  });

  return users;
}
