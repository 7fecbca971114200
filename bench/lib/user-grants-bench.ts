// What TokenDealer's users cost it, beyond client_credentials: the refresh_token grant (rotating and
// not) and the sign-in POST, on one TokenDealer started as in section 1 (its bin, a fresh SQLite file,
// the server core), with confirmed users and two clients made through its CLI; then the password
// hash alone, in this process, once the server is stopped.
import { loadavg } from 'node:os';
import type { ServerProcess } from './child-processes.js';
import { benchRefreshTokens, REDIRECT_URI, USER_GRANT_AUDIENCE, USER_GRANT_SCOPE, type RefreshPlan, type RefreshResults } from './refresh-token-bench.js';
import { benchPasswordHash, benchSignIn, type PasswordHashResults, type SignInAccount, type SignInPlan, type SignInResults } from './sign-in-bench.js';
import { TOKEN_PATH } from './token-endpoint-bench.js';
import { benchTempDir, createClient, createConfirmedUser, sqliteDatabaseUrl, startTokenDealer } from './tokendealer-process.js';

export interface UserGrantsPlan {
  refresh: RefreshPlan;
  signIn: SignInPlan;
}

export interface UserGrantsResults {
  /** 1-minute load average when this section started: the machine may be shared, and this section comes last. */
  loadAverageAtStart: number;
  refresh: RefreshResults;
  signIn: SignInResults;
  passwordHash: PasswordHashResults;
}

/** One account per sign-in connection; the first one also authorizes the refresh token families. */
const benchAccount = (i: number): SignInAccount => ({ email: `runner-${i + 1}@bench.example`, password: 'a long bench passphrase' });

export async function benchUserGrants(plan: UserGrantsPlan, log: (line: string) => void): Promise<UserGrantsResults> {
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const databaseUrl = sqliteDatabaseUrl(benchTempDir());
  const accounts = Array.from({ length: plan.signIn.connections }, (_, i) => benchAccount(i));
  const clientArgs = ['--grant-types', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT_URI, '--audience', USER_GRANT_AUDIENCE, '--scope', USER_GRANT_SCOPE];
  // The first user alone: it sets the database up (migrations, installation secrets). Then the other users
  // one after another (each hashes its password), and the clients meanwhile.
  const userIds = [await createConfirmedUser(databaseUrl, accounts[0]!.email, accounts[0]!.password)];
  const creatingUsers = (async () => {
    for (const account of accounts.slice(1)) userIds.push(await createConfirmedUser(databaseUrl, account.email, account.password));
  })();
  const [, rotating, nonRotating] = await Promise.all([
    creatingUsers,
    createClient(databaseUrl, ['--name', 'bench-rotating', ...clientArgs]),
    createClient(databaseUrl, ['--name', 'bench-non-rotating', ...clientArgs, '--no-refresh-rotation']),
  ]);

  let server: ServerProcess | undefined;
  let refresh: RefreshResults;
  let signIn: SignInResults;
  try {
    server = await startTokenDealer(databaseUrl);
    const clients = { rotating: { url: server.url, path: TOKEN_PATH, ...rotating }, nonRotating: { url: server.url, path: TOKEN_PATH, ...nonRotating } };
    refresh = await benchRefreshTokens(server, databaseUrl, userIds[0]!, clients, plan.refresh, log);
    signIn = await benchSignIn(server, accounts, plan.signIn, log);
  } catch (error) {
    const tail = server?.stderrTail() ?? '';
    if (tail !== '') console.error(`--- ${server!.name} stderr ---\n${tail}`);
    throw error;
  } finally {
    await server?.stop();
  }
  const passwordHash = await benchPasswordHash(plan.signIn, log);
  return { loadAverageAtStart, refresh, signIn, passwordHash };
}
