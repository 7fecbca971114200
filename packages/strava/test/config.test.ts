import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedReturnUrl } from '../src/config/return-urls.js';
import { resolveStravaConfig } from '../src/config/options.js';
import { ianaTimeZone } from '../src/import/strava-timezone.js';

const required = { STRAVA_CLIENT_ID: '1000', STRAVA_CLIENT_SECRET: 's', STRAVA_SERVICE_CLIENT_ID: 'c', STRAVA_SERVICE_CLIENT_SECRET: 'cs' };

test("defaults follow PUBLIC_URL and Strava's real URLs", () => {
  const config = resolveStravaConfig({ ...required, PUBLIC_URL: 'https://runnerly.example' });
  assert.equal(config.port, 5003);
  assert.equal(config.oauthUrl, 'https://www.strava.com/oauth');
  assert.equal(config.apiUrl, 'https://www.strava.com/api/v3');
  assert.equal(config.publicApiAudience, 'https://runnerly.example/api');
  assert.deepEqual(config.returnUrls, ['https://runnerly.example/']);
  assert.equal(config.audience, 'runnerly-strava');
  assert.equal(config.db, 'sqlite:./data/strava.sqlite');
});

test('the Strava application, the service client and a webhook verify token are required where they are needed', () => {
  assert.throws(() => resolveStravaConfig({ ...required, STRAVA_CLIENT_ID: '' }), /STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET must be set/);
  assert.throws(() => resolveStravaConfig({ ...required, STRAVA_SERVICE_CLIENT_SECRET: '' }), /STRAVA_SERVICE_CLIENT_ID and STRAVA_SERVICE_CLIENT_SECRET must be set/);
  assert.throws(() => resolveStravaConfig({ ...required, STRAVA_WEBHOOK_CALLBACK_URL: 'https://runnerly.example/strava/webhook' }), /STRAVA_WEBHOOK_VERIFY_TOKEN must be set/);
  assert.throws(() => resolveStravaConfig({ ...required, STRAVA_RETURN_URLS: 'javascript:alert(1)' }), /STRAVA_RETURN_URLS must list http\(s\) URLs/);
});

test('a return URL must be on an allowed origin and under its path', () => {
  const allowed = ['https://runnerly.example/', 'https://app.example/settings'];
  assert.equal(allowedReturnUrl('https://runnerly.example/settings?tab=strava', allowed), 'https://runnerly.example/settings?tab=strava');
  assert.equal(allowedReturnUrl('https://app.example/settings/strava', allowed), 'https://app.example/settings/strava');
  assert.equal(allowedReturnUrl('https://app.example/settings-evil', allowed), undefined);
  assert.equal(allowedReturnUrl('https://app.example/other', allowed), undefined);
  assert.equal(allowedReturnUrl('https://runnerly.example.evil.example/', allowed), undefined);
  assert.equal(allowedReturnUrl('http://runnerly.example/', allowed), undefined);
  assert.equal(allowedReturnUrl('https://user@runnerly.example/', allowed), undefined);
  assert.equal(allowedReturnUrl('//evil.example/', allowed), undefined);
});

test("Strava's time zone field gives the IANA name", () => {
  assert.equal(ianaTimeZone('(GMT+01:00) Europe/Paris'), 'Europe/Paris');
  assert.equal(ianaTimeZone('(GMT-08:00) America/Los_Angeles'), 'America/Los_Angeles');
  assert.equal(ianaTimeZone('(GMT+00:00) Etc/UTC'), 'UTC', 'an alias resolves to its zone');
  assert.equal(ianaTimeZone('(GMT+01:00) Not/AZone'), null);
  assert.equal(ianaTimeZone(null), null);
});
