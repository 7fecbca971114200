import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS } from '@runnerly/test-support';
import { StravaClient } from '../src/strava-client/strava-client.js';
import { AthleteTokens } from '../src/tokens/athlete-tokens.js';
import { newRunner, startHarness, STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

class CountingStravaClient extends StravaClient {
  refreshes = 0;
  override async refresh(refreshToken: string) {
    this.refreshes += 1;
    return super.refresh(refreshToken);
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: refreshing Strava tokens`, () => {
    let harness: Harness;
    let runner: string;
    before(async () => {
      harness = await startHarness({ backend });
      runner = newRunner();
      await harness.link(runner, harness.sandbox.admin.athletes()[0]!.id);
      await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
    });
    after(() => harness.close());

    /** A worker as another process would have it: its own client and refresh bookkeeping, the same database. */
    const worker = () => {
      const { context } = harness.service;
      const client = new CountingStravaClient({ oauthUrl: harness.config.oauthUrl, apiUrl: harness.config.apiUrl, clientId: STRAVA_CLIENT_ID, clientSecret: STRAVA_CLIENT_SECRET, budget: context.budget });
      return { client, tokens: new AthleteTokens(context.links, client, harness.clock.now) };
    };

    it('keeps the token while more than an hour is left', async () => {
      const before = await harness.service.context.links.get(runner);
      const { client, tokens } = worker();
      await tokens.withAccessToken(runner, undefined, (accessToken) => client.athlete(accessToken));
      assert.equal(client.refreshes, 0);
      assert.equal((await harness.service.context.links.get(runner))!.tokenVersion, before!.tokenVersion);
    });

    it('two workers refreshing at once spend the refresh token once and both use the new tokens', async () => {
      harness.clock.advance((6 * 3600 - 1800) * 1000); // half an hour left
      const before = (await harness.service.context.links.get(runner))!;
      const [a, b] = [worker(), worker()];
      const seen = await Promise.all(
        [a, b].map(({ client, tokens }) => tokens.withAccessToken(runner, undefined, async (accessToken) => (await client.athlete(accessToken), accessToken))),
      );
      assert.equal(a.client.refreshes + b.client.refreshes, 1);
      assert.equal(seen[0], seen[1]);
      assert.notEqual(seen[0], before.tokens.accessToken);
      const after = (await harness.service.context.links.get(runner))!;
      assert.equal(after.tokenVersion, before.tokenVersion + 1);
      assert.notEqual(after.tokens.refreshToken, before.tokens.refreshToken);
      // The stored refresh token is the newest: the old one no longer works at Strava, this one does.
      await assert.rejects(a.client.refresh(before.tokens.refreshToken), { name: 'StravaGrantError' });
      harness.clock.advance(6 * 3600 * 1000);
      const c = worker();
      await c.tokens.withAccessToken(runner, undefined, (accessToken) => c.client.athlete(accessToken));
      assert.equal(c.client.refreshes, 1);
    });

    it('refreshes on a 401 even with hours left, and runs the call again', async () => {
      const before = (await harness.service.context.links.get(runner))!;
      assert.equal(harness.sandbox.admin.expireTokens(harness.sandbox.admin.athletes()[0]!.id, STRAVA_CLIENT_ID), 1);
      const { client, tokens } = worker();
      const athlete = await tokens.withAccessToken(runner, undefined, (accessToken) => client.athlete(accessToken));
      assert.equal(athlete.id, harness.sandbox.admin.athletes()[0]!.id);
      assert.equal(client.refreshes, 1);
      assert.equal((await harness.service.context.links.get(runner))!.tokenVersion, before.tokenVersion + 1);
    });
  });
}
