// After each sign-in, the runner's email from TokenDealer's ID token is kept with the profile in
// the data service (for the monthly reports), with the dashboard's own narrow service token
// (users:email): no service reads TokenDealer's accounts.
import { TokenSource } from '@runnerly/guard';
import type { IssuedTokens } from './token-dealer-client.js';

export function emailSync(options: { issuer: string; clientId: string; clientSecret: string; audience: string; dataServiceUrl: string }): (tokens: IssuedTokens) => Promise<void> {
  const tokens = new TokenSource({ issuer: options.issuer, clientId: options.clientId, clientSecret: options.clientSecret, scope: 'users:email', audience: options.audience });
  return async (issued) => {
    if (issued.email === null) return;
    const response = await tokens.fetch(`${options.dataServiceUrl}/internal/users/${encodeURIComponent(issued.sub)}/email`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: issued.email }),
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the data service answered ${response.status} when keeping the email`);
  };
}
