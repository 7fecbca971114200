// npm start's demo runner comes with runs: once the system is up, its account is linked to the
// first sandbox athlete, as an operator tool would do it: the athlete approves at the sandbox
// (its admin API, no page), and the Strava service is handed the code through its internal link
// endpoint with the launcher's own service token (strava:link). Linked before: the link only gets
// fresh tokens, and the import goes on where it was.
export interface DemoLinkOptions {
  sandboxUrl: string;
  stravaUrl: string;
  tokenEndpoint: string;
  stravaClientId: string;
  launcherClient: { client_id: string; client_secret?: string };
  runnerId: string;
  publicUrl: string;
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

/** Links the demo runner; answers the athlete's username, or undefined when it is linked to another athlete. */
export async function linkDemoRunner(options: DemoLinkOptions): Promise<string | undefined> {
  const [athlete] = await json<{ id: number; username: string }[]>(await fetch(`${options.sandboxUrl}/_sandbox/athletes`), 'sandbox athletes');
  if (!athlete) throw new Error('the sandbox has no athlete');
  const basic = Buffer.from(`${encodeURIComponent(options.launcherClient.client_id)}:${encodeURIComponent(options.launcherClient.client_secret ?? '')}`).toString('base64');
  const { access_token: token } = await json<{ access_token: string }>(
    await fetch(options.tokenEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'strava:link', audience: 'runnerly-strava' }).toString(),
    }),
    'launcher token',
  );
  const { code, scope } = await json<{ code: string; scope: string }>(
    await fetch(`${options.sandboxUrl}/_sandbox/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: options.stravaClientId, athlete_id: athlete.id, scope: 'read,activity:read_all', redirect_uri: `${options.publicUrl}/strava/callback` }),
    }),
    'sandbox authorization',
  );
  const linked = await fetch(`${options.stravaUrl}/internal/users/${encodeURIComponent(options.runnerId)}/strava/link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code, scope }),
  });
  if (linked.status === 409) {
    await linked.body?.cancel();
    return undefined;
  }
  await json(linked, 'linking the demo runner');
  return athlete.username;
}
