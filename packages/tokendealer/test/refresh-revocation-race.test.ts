// A refresh racing with the revocation of its family (the client revoking the token, a replay
// caught by another request, the user revoking the app, a password reset, the user disabled) must
// not hand out tokens that outlive the revocation: once the revocation has committed, a refresh
// that has not yet renewed gets invalid_grant and no access token, and an access token from a
// renewal that came first is revoked with the family.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { signedInBrowser } from './helpers/authorization.js';
import { createCodeClient, expectError, isActive, nowSeconds, refresh, userTokens, type TestClient } from './helpers/grants.js';

/** Families refreshed and revoked at the same moment, per client, in the concurrent test. */
const RACING_PAIRS = 25;

for (const backend of BACKENDS) {
  describe(`refresh racing with the revocation of its family (${backend.name})`, () => {
    let server: TestServer;
    let rotating: TestClient;
    let nonRotating: TestClient;

    before(async () => {
      // Long enough that the replay below is the third use of a token inside its grace period.
      server = await startTestServer(backend, { refreshTokenGracePeriod: 60 });
      rotating = await createCodeClient(server);
      nonRotating = await server.createClient({
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://app.example/callback'],
        audiences: ['https://api.runnerly.io'],
        rotateRefreshTokens: false,
      });
    });
    after(() => server.stop());

    const revokeToken = (token: string, as: TestClient) => server.post('/oauth/revoke', { token }, { authorization: basic(as.client_id, as.client_secret) });

    /**
     * Refreshes with the revocation run inside the refresh: once the grant has read the family as
     * live and checked the user, before it renews anything, the moment another request can commit one.
     */
    async function refreshWhileRevoking(client: TestClient, refreshToken: string, revocation: () => Promise<void>) {
      const { tokenDealer } = server;
      const activeUser = tokenDealer.activeUser.bind(tokenDealer);
      let revoked = false;
      tokenDealer.activeUser = async (userId) => {
        tokenDealer.activeUser = activeUser;
        const user = await activeUser(userId);
        await revocation();
        revoked = true;
        return user;
      };
      try {
        return await refresh(server, client, refreshToken);
      } finally {
        tokenDealer.activeUser = activeUser;
        assert.ok(revoked, 'the revocation ran inside the refresh');
      }
    }

    /**
     * Refreshes with the revocation run right after the store renewed the token (rotated it, or
     * moved its idle deadline), before the refresh answers: the renewal won, so what it issued
     * must be found and revoked with the family.
     */
    async function refreshThenRevoke(client: TestClient, refreshToken: string, revocation: () => Promise<void>) {
      const store = server.tokenDealer.storage.refreshTokens as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const method = client === rotating ? 'rotate' : 'touch';
      const renew = store[method]!;
      let revoked = false;
      store[method] = async (...args) => {
        delete store[method];
        const outcome = await renew.apply(store, args);
        await revocation();
        revoked = true;
        return outcome;
      };
      try {
        return await refresh(server, client, refreshToken);
      } finally {
        delete store[method];
        assert.ok(revoked, 'the revocation ran after the renewal');
      }
    }

    interface Revocation {
      name: string;
      /** Only rotated tokens can be replayed. */
      rotatingOnly?: boolean;
      /** Prepares a family of the client and returns the refresh token to present, with how to revoke its family. */
      prepare(client: TestClient): Promise<{ refreshToken: string; accessTokens: string[]; revoke: () => Promise<void> }>;
    }

    const REVOCATIONS: Revocation[] = [
      {
        name: 'the client revokes the refresh token',
        async prepare(client) {
          const { userId } = await signedInBrowser(server);
          const tokens = await userTokens(server, client, userId);
          return {
            refreshToken: tokens.refresh_token!,
            accessTokens: [tokens.access_token],
            revoke: async () => assert.equal((await revokeToken(tokens.refresh_token!, client)).status, 200),
          };
        },
      },
      {
        name: 'another request replays a rotated token',
        rotatingOnly: true,
        async prepare(client) {
          const { userId } = await signedInBrowser(server);
          const tokens = await userTokens(server, client, userId);
          const rotated = await refresh(server, client, tokens.refresh_token!);
          assert.equal(rotated.status, 200);
          const extra = await refresh(server, client, tokens.refresh_token!);
          assert.equal(extra.status, 200, 'the one extra successor of the grace period');
          return {
            refreshToken: rotated.body.refresh_token!,
            accessTokens: [tokens.access_token, rotated.body.access_token, extra.body.access_token],
            // The third use of the rotated token: a replay, which revokes the family.
            revoke: async () => expectError(await refresh(server, client, tokens.refresh_token!), 400, 'invalid_grant'),
          };
        },
      },
      {
        name: 'the user revokes the app on the account page',
        async prepare(client) {
          const { browser, userId } = await signedInBrowser(server);
          const tokens = await userTokens(server, client, userId);
          await browser.get('/account');
          return {
            refreshToken: tokens.refresh_token!,
            accessTokens: [tokens.access_token],
            revoke: async () => assert.equal((await browser.post('/account/apps/revoke', { client_id: client.client_id })).status, 303),
          };
        },
      },
      {
        name: 'the password is reset',
        async prepare(client) {
          const { userId } = await signedInBrowser(server);
          const tokens = await userTokens(server, client, userId);
          const { passwordHash } = (await server.tokenDealer.storage.users.get(userId))!;
          return {
            refreshToken: tokens.refresh_token!,
            accessTokens: [tokens.access_token],
            revoke: async () => assert.equal(await server.tokenDealer.storage.users.resetPassword(userId, passwordHash, nowSeconds()), true),
          };
        },
      },
      {
        name: 'the user is disabled',
        async prepare(client) {
          const { userId } = await signedInBrowser(server);
          const tokens = await userTokens(server, client, userId);
          return {
            refreshToken: tokens.refresh_token!,
            accessTokens: [tokens.access_token],
            revoke: async () => assert.equal(await server.tokenDealer.accounts.disable(userId), true),
          };
        },
      },
    ];

    for (const revocation of REVOCATIONS) {
      it(`refuses a refresh when ${revocation.name} after the refresh read its family`, async () => {
        for (const client of revocation.rotatingOnly ? [rotating] : [rotating, nonRotating]) {
          const what = `${revocation.name}, ${client === rotating ? 'rotating' : 'non-rotating'} client`;
          const family = await revocation.prepare(client);
          const raced = await refreshWhileRevoking(client, family.refreshToken, family.revoke);
          assert.equal(raced.status, 400, `${what}: ${JSON.stringify(raced.body)}`);
          assert.equal(raced.body.error, 'invalid_grant', what);
          assert.equal(raced.body.access_token, undefined, what);
          for (const accessToken of family.accessTokens) assert.equal(await isActive(server, client, accessToken), false, what);
          expectError(await refresh(server, client, family.refreshToken), 400, 'invalid_grant');
        }
      });
    }

    for (const revocation of REVOCATIONS) {
      it(`revokes what a refresh issued when ${revocation.name} just after the renewal`, async () => {
        for (const client of revocation.rotatingOnly ? [rotating] : [rotating, nonRotating]) {
          const what = `${revocation.name}, ${client === rotating ? 'rotating' : 'non-rotating'} client`;
          const family = await revocation.prepare(client);
          const raced = await refreshThenRevoke(client, family.refreshToken, family.revoke);
          assert.equal(raced.status, 200, `${what}: ${JSON.stringify(raced.body)}`);
          for (const accessToken of [...family.accessTokens, raced.body.access_token]) assert.equal(await isActive(server, client, accessToken), false, what);
          expectError(await refresh(server, client, raced.body.refresh_token ?? family.refreshToken), 400, 'invalid_grant');
        }
      });
    }

    // Nothing forced: on PostgreSQL the two requests' statements interleave on their own; on SQLite
    // one process runs a grant's queries without yielding to another request, so only the tests
    // above interleave them there.
    it('leaves no token of a successful refresh active once a concurrent revocation has answered', async () => {
      for (const client of [rotating, nonRotating]) {
        const { userId } = await signedInBrowser(server);
        const families = [];
        for (let i = 0; i < RACING_PAIRS; i++) families.push(await userTokens(server, client, userId));
        const races = await Promise.all(
          families.map(async (tokens) => {
            const [refreshed, revoked] = await Promise.all([refresh(server, client, tokens.refresh_token!), revokeToken(tokens.refresh_token!, client)]);
            assert.equal(revoked.status, 200);
            return refreshed;
          }),
        );
        for (const refreshed of races) {
          if (refreshed.status !== 200) {
            expectError(refreshed, 400, 'invalid_grant');
            continue;
          }
          assert.equal(await isActive(server, client, refreshed.body.access_token), false, 'the access token of a refresh that came first is revoked with its family');
          if (refreshed.body.refresh_token !== undefined) expectError(await refresh(server, client, refreshed.body.refresh_token), 400, 'invalid_grant');
        }
      }
    });
  });
}
