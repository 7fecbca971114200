// The compose deployment, built and run as CI runs it: the base images (made here, no registry),
// the service images, `docker-compose up` of deploy/compose.yaml (PostgreSQL, Redis, two
// TokenDealers, two data services, two gateways, the other services), then a new runner signs up,
// confirms by mail and signs in through the gateway in Chromium, gets a token with the
// authorization code flow and PKCE, and reads runs through the API; then `down -v`.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import type { Page } from 'playwright-core';
import { chromiumMissing, freePort, launchChromium, waitForMail, type TestBrowser } from '@runnerly/test-support';
import { ComposeProject, containerEngineMissing, runCommand } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const PASSWORD = 'a long enough password for runnerly';

const skip = (await containerEngineMissing()) || chromiumMissing;

/** TokenDealer's name ends in .localhost: Chromium maps it to the loopback, Node's fetch does here. */
function loopback(url: string | URL): URL {
  const target = new URL(url);
  if (target.hostname.endsWith('.localhost')) target.hostname = '127.0.0.1';
  return target;
}
const loopbackFetch = (url: string, options: RequestInit): Promise<Response> => fetch(loopback(url), options);
const oauthOptions = { [oauth.customFetch]: loopbackFetch, [oauth.allowInsecureRequests]: true };

describe('the compose deployment, used by a new runner', { skip, timeout: 1_800_000 }, () => {
  const timings: Record<string, number> = {};
  let project: ComposeProject;
  let workDir: string;
  let outboxDir: string;
  let publicUrl: string;
  let secondGatewayUrl: string;
  let issuer: string;
  let browser: TestBrowser;
  let page: Page;
  let accessToken: string;
  const email = `runner.${Date.now()}@example.com`;

  before(async () => {
    const started = Date.now();
    timings.baseImagesMs = (await runCommand(join(DEPLOY, 'base-images', 'build.sh'), [], { timeoutMs: 900_000 })).ms;
    timings.serviceImagesMs = (await runCommand(join(DEPLOY, 'build-images.sh'), [], { timeoutMs: 1_200_000 })).ms;

    workDir = mkdtempSync(join(tmpdir(), 'runnerly-compose-'));
    outboxDir = join(workDir, 'outbox');
    mkdirSync(outboxDir);
    // The services run as an unprivileged user: the bind-mounted outbox must be writable to it.
    chmodSync(outboxDir, 0o777);
    const ports = { GATEWAY_PORT: await freePort(), GATEWAY_2_PORT: await freePort(), TOKENDEALER_PORT: await freePort() };
    publicUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
    secondGatewayUrl = `http://127.0.0.1:${ports.GATEWAY_2_PORT}`;
    issuer = `http://tokendealer.localhost:${ports.TOKENDEALER_PORT}`;
    const env = {
      ...process.env,
      GATEWAY_PORT: String(ports.GATEWAY_PORT),
      GATEWAY_2_PORT: String(ports.GATEWAY_2_PORT),
      TOKENDEALER_PORT: String(ports.TOKENDEALER_PORT),
      PUBLIC_URL: publicUrl,
      RUNNERLY_SECRETS_DIR: join(workDir, 'secrets'),
      RUNNERLY_OUTBOX_DIR: outboxDir,
    };
    await runCommand(process.execPath, [join(DEPLOY, 'compose', 'prepare.mjs')], { env });
    project = new ComposeProject(`runnerly-test-${randomBytes(3).toString('hex')}`, join(DEPLOY, 'compose.yaml'), env);
    const upStarted = Date.now();
    await project.up();
    const states = await project.waitHealthy(300_000);
    timings.upToHealthyMs = Date.now() - upStarted;
    timings.beforeMs = Date.now() - started;
    assert.deepEqual(
      states.map((state) => state.service).sort(),
      [
        'dashboard', 'dataservice-1', 'dataservice-2', 'gateway-1', 'gateway-2',
        'migrate-dashboard', 'migrate-dataservice', 'migrate-plans', 'migrate-reports', 'migrate-strava', 'migrate-tokendealer',
        'plans', 'postgres', 'provision-clients', 'redis', 'reports', 'strava', 'strava-sandbox', 'tokendealer-1', 'tokendealer-2',
      ],
    );
    browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });

  after(async () => {
    await browser?.close();
    if (project) {
      mkdirSync(join(ROOT, 'test-output'), { recursive: true });
      writeFileSync(join(ROOT, 'test-output', 'compose.log'), await project.logs().catch((error: unknown) => String(error)));
      const down = await project.down();
      timings.downMs = down.ms;
      writeFileSync(join(ROOT, 'test-output', 'compose-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
      console.log(`# compose timings (ms): ${JSON.stringify(timings)}`);
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('publishes only the gateways and TokenDealer, on 127.0.0.1', async () => {
    const { stdout } = await runCommand('docker', ['ps', '--filter', `label=com.docker.compose.project=${project.name}`, '--format', '{{.Label "com.docker.compose.service"}} {{.Ports}}']);
    const published = stdout
      .split('\n')
      .filter((line) => line.includes('->'))
      .map((line) => line.split(' ')[0])
      .sort();
    assert.deepEqual(published, ['gateway-1', 'gateway-2', 'tokendealer-1']);
    assert.ok(!/0\.0\.0\.0:|:::/.test(stdout), `only 127.0.0.1 is published:\n${stdout}`);
  });

  it('runs every Runnerly service as uid and gid 10001, as the Kubernetes manifests demand', async () => {
    const { stdout } = await runCommand('docker', [
      'ps', '--filter', `label=com.docker.compose.project=${project.name}`, '--format', '{{.ID}} {{.Label "com.docker.compose.service"}}',
    ]);
    const running = stdout.split('\n').filter((line) => line !== '').map((line) => line.split(' ') as [string, string]);
    const ours = running.filter(([, service]) => !['postgres', 'redis'].includes(service));
    assert.ok(ours.length >= 10, `Runnerly containers running:\n${stdout}`);
    for (const [id, service] of ours) {
      const ids = await runCommand('docker', ['exec', id, 'sh', '-c', 'echo "$(id -u):$(id -g)"']);
      assert.equal(ids.stdout.trim(), '10001:10001', service);
    }
  });

  it('signs up, confirms by mail and signs in through the gateway', async () => {
    await page.goto(publicUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    assert.equal(new URL(page.url()).origin, issuer);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const mail = await waitForMail(outboxDir, email);
    assert.ok(mail, 'the confirmation mail is in the outbox');
    assert.ok(mail.links[0]!.startsWith(`${issuer}/`), mail.links[0]);
    await page.goto(mail.links[0]!);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
    await page.goto(publicUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Hello/ }).waitFor();
    assert.equal(new URL(page.url()).origin, publicUrl);
    await page.getByText('No runs yet.').waitFor();
  });

  it('gets an access token with the authorization code and PKCE (signed in already: no form)', async () => {
    const clientId = (await project.exec('dashboard', ['cat', '/var/lib/runnerly/clients/dashboard.id'])).trim();
    const clientSecret = (await project.exec('dashboard', ['cat', '/var/lib/runnerly/clients/dashboard.secret'])).trim();
    const server = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), oauthOptions));
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirectUri = `${publicUrl}/auth/callback`;
    const authorize = new URL(server.authorization_endpoint!);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid runs:read runs:write',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    // The runner's browser comes back to the callback with the code; the test takes it from the
    // address (the dashboard, which did not start this sign-in, refuses it without redeeming it).
    await page.goto(authorize.toString());
    await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`), { timeout: 60_000 });
    const params = oauth.validateAuthResponse(server, client, new URL(page.url()), state);
    const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.ClientSecretBasic(clientSecret), params, redirectUri, verifier, oauthOptions);
    const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    accessToken = tokens.access_token;
  });

  it('adds a run and reads it back through both gateways; no token is 401 at the edge', async () => {
    const created = await fetch(`${publicUrl}/api/data/users/me/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Morning 5K', sport_type: 'Run', start_date: new Date(Date.now() - 3_600_000).toISOString(), distance: 5000, moving_time: 1500 }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    for (const gateway of [publicUrl, secondGatewayUrl]) {
      const listed = await fetch(`${gateway}/api/data/users/me/runs`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(listed.status, 200, await listed.clone().text());
      const body = (await listed.json()) as { runs: { name: string; distance: number }[] };
      assert.deepEqual(body.runs.map((run) => [run.name, run.distance]), [['Morning 5K', 5000]]);
    }
    const anonymous = await fetch(`${publicUrl}/api/data/users/me/runs`);
    assert.equal(anonymous.status, 401);
  });
});
