import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createStravaSandbox } from '../src/index.js';

const BIN = fileURLToPath(new URL('../../bin/runnerly-strava-sandbox.js', import.meta.url));

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STRAVA_SANDBOX_PORT: '0', ...extra };
  if (!('NODE_ENV' in extra)) delete env.NODE_ENV;
  return env;
}

/** Starts the bin and resolves with its URL line, or rejects with its exit code and stderr. */
function start(env: Record<string, string>): Promise<{ url: string; line: string; stderr: () => string; stop(): Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(Object.assign(new Error(`exited with ${code}: ${stderr}`), { code, stderr })));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (!match) return reject(new Error(`unexpected line ${line}`));
      resolve({
        url: match[1]!,
        line,
        stderr: () => stderr,
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

describe('runnerly-strava-sandbox CLI', () => {
  it('prints its URL line, serves /healthz, takes the client and limits from the environment and logs JSON on stderr', async () => {
    const server = await start({ STRAVA_SANDBOX_CLIENT_ID: '4242', STRAVA_SANDBOX_CLIENT_SECRET: 'cli-secret', STRAVA_SANDBOX_RATE_LIMITS: '10,20/5,6', STRAVA_SANDBOX_TOKEN_TTL: '600' });
    let accessToken = '';
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });

      const [athlete] = (await (await fetch(`${server.url}/_sandbox/athletes`)).json()) as Array<{ id: number }>;
      const authorized = await fetch(`${server.url}/_sandbox/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: '4242', athlete_id: athlete!.id, scope: 'activity:read' }),
      });
      const { code } = (await authorized.json()) as { code: string };
      const tokenResponse = await fetch(`${server.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: '4242', client_secret: 'cli-secret', code, grant_type: 'authorization_code' }) });
      const tokens = (await tokenResponse.json()) as { access_token: string; expires_in: number };
      assert.equal(tokens.expires_in, 600);
      const api = await fetch(`${server.url}/api/v3/athlete`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(api.headers.get('x-ratelimit-limit'), '10,20');
      assert.equal(api.headers.get('x-readratelimit-limit'), '5,6');
      accessToken = tokens.access_token;
      // Secrets in the query string (Strava allows them there) must not reach the logs either.
      await fetch(`${server.url}/api/v3/push_subscriptions?client_id=4242&client_secret=cli-secret`);
    } finally {
      assert.equal(await server.stop(), 0);
    }
    // Logs are written asynchronously and flushed at exit.
    const logLine = server.stderr().split('\n').find((line) => line.includes('request completed'));
    assert.ok(logLine, 'a request log line');
    assert.equal((JSON.parse(logLine) as { service: string }).service, 'strava-sandbox');
    assert.ok(!server.stderr().includes('cli-secret') && !server.stderr().includes(accessToken), 'no secret or token in the logs');
  });

  it('refuses to start with NODE_ENV=production, and on a malformed setting', async () => {
    await assert.rejects(start({ NODE_ENV: 'production' }), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /refuses to run with NODE_ENV=production/);
      return true;
    });
    await assert.rejects(start({ STRAVA_SANDBOX_RATE_LIMITS: '200/100' }), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /STRAVA_SANDBOX_RATE_LIMITS/);
      return true;
    });
  });

  it('createStravaSandbox refuses production too', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      assert.throws(() => createStravaSandbox(), /development and tests only/);
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
  });
});
