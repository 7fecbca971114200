// Every TokenDealer table that grows with use and what in it has expired. Tables not here hold
// what lives until someone deletes it (clients, consents, settings; users but abandoned sign-ups) or remove their own
// rows (mail_outbox: the courier deletes each message once sent or given up).
import type { SweepTask } from '@runnerly/sweeper';
import type { Storage } from './index.js';
import type { SessionService } from '../sessions/session-service.js';
import { pruneRetiredKeys } from '../keys/key-rotation.js';
import { LINK_LIFETIMES } from '../accounts/link-tokens.js';

/** The sweeper's clock is in milliseconds; TokenDealer stores seconds (failure counts excepted). */
const seconds = (ms: number): number => Math.floor(ms / 1000);

export function expiredRowTasks(storage: Storage, sessions: SessionService, accessTokenTtl: number): SweepTask[] {
  return [
    { name: 'authorization_codes', sweep: (now, limit) => storage.authorizationCodes.pruneExpired(seconds(now), limit) },
    { name: 'pushed_authorization_requests', sweep: (now, limit) => storage.pushedRequests.pruneExpired(seconds(now), limit) },
    { name: 'pending_authorizations', sweep: (now, limit) => storage.pendingAuthorizations.pruneExpired(seconds(now), limit) },
    { name: 'sessions', sweep: (now, limit) => sessions.pruneExpired(seconds(now), limit) },
    { name: 'link_tokens', sweep: (now, limit) => storage.linkTokens.pruneExpired(seconds(now), limit) },
    // Sign-ups never confirmed, once their last link has expired (a day at least).
    { name: 'users', sweep: (now, limit) => storage.users.pruneAbandonedSignUps(seconds(now), seconds(now) - LINK_LIFETIMES.confirm, limit) },
    { name: 'revoked_tokens', sweep: (now, limit) => storage.revocations.pruneExpired(seconds(now), limit) },
    { name: 'used_assertions', sweep: (now, limit) => storage.assertions.pruneExpired(seconds(now), limit) },
    { name: 'family_access_tokens', sweep: (now, limit) => storage.refreshTokens.pruneAccessTokens(seconds(now), limit) },
    { name: 'refresh_families', sweep: (now, limit) => storage.refreshTokens.pruneFamilies(seconds(now), limit) },
    { name: 'failure_counts', sweep: (now, limit) => storage.failureCounts.pruneEnded(now, limit) },
    // A handful of rows: no batches needed.
    { name: 'signing_keys', sweep: async (now) => (await pruneRetiredKeys(storage.keys, seconds(now), accessTokenTtl)).length },
  ];
}
