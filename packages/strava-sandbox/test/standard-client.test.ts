// An independent OAuth 2.0 client (oauth4webapi) walks the authorize forms over plain HTTP, then
// exchanges and refreshes: Strava's endpoints work with standard clients, and so must the sandbox's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { apiGet, CLIENT_ID, CLIENT_SECRET, startSandbox, type RunningSandbox } from './helpers/sandbox.js';

const REDIRECT_URI = 'http://127.0.0.1:8080/strava/callback';

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  }
  return fields;
}

describe('a standard OAuth client against the sandbox', () => {
  let running: RunningSandbox;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: CLIENT_ID };
  const options = { [oauth.allowInsecureRequests]: true };

  before(async () => {
    running = await startSandbox({ rateLimits: false });
    as = { issuer: running.url, authorization_endpoint: `${running.url}/oauth/authorize`, token_endpoint: `${running.url}/oauth/token` };
  });
  after(() => running.close());

  it('signs in and consents through the forms, exchanges the code and refreshes with oauth4webapi', async () => {
    const athlete = running.sandbox.admin.athletes()[0]!;
    const state = oauth.generateRandomState();
    const authorizeUrl = new URL(as.authorization_endpoint!);
    for (const [name, value] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', approval_prompt: 'force', scope: 'read,activity:read_all', state })) {
      authorizeUrl.searchParams.set(name, value);
    }
    const signInPage = await (await fetch(authorizeUrl)).text();
    const signIn = await fetch(`${running.url}/oauth/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...hiddenFields(signInPage), username: athlete.username, password: athlete.password }),
    });
    assert.equal(signIn.status, 303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(signIn.headers.get('set-cookie')!, /HttpOnly; SameSite=Lax/);

    const consentPage = await (await fetch(new URL(signIn.headers.get('location')!, running.url), { headers: { cookie } })).text();
    const consent = hiddenFields(consentPage);
    // A decision without the form's CSRF token is refused.
    const forged = await fetch(`${running.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie },
      body: new URLSearchParams({ ...consent, csrf_token: 'forged', decision: 'authorize', granted: 'activity:read_all' }),
    });
    assert.equal(forged.status, 403);
    const decided = await fetch(`${running.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie },
      body: new URLSearchParams([...Object.entries(consent), ['decision', 'authorize'], ['granted', 'activity:read_all']]),
    });
    assert.equal(decided.status, 302);
    const callback = new URL(decided.headers.get('location')!);
    assert.equal(callback.searchParams.get('scope'), 'read,activity:read_all');

    const parameters = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(CLIENT_SECRET), parameters, REDIRECT_URI, oauth.nopkce, options);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 21_600);
    assert.equal((tokens.athlete as { id: number }).id, athlete.id);
    assert.equal((await apiGet(running.url, '/athlete/activities?per_page=1', tokens.access_token)).status, 200);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(CLIENT_SECRET), tokens.refresh_token!, options),
    );
    assert.equal(refreshed.access_token, tokens.access_token, 'more than an hour left: the same access token');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  });
});
