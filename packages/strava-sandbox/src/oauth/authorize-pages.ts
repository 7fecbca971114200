import type { Athlete } from '../athletes/model.js';
import type { RegisteredClient } from './clients.js';
import { SCOPE_DESCRIPTIONS, type StravaScope } from './scopes.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const hidden = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Strava sandbox</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #242428; }
    header { color: #fc4c02; font-weight: 700; letter-spacing: .04em; }
    .note { background: #fff4e5; border-left: 4px solid #fc4c02; padding: .5rem .75rem; font-size: .9rem; }
    label { display: block; margin: .6rem 0; }
    input[type=text], input[type=password] { display: block; width: 100%; padding: .4rem; margin-top: .2rem; }
    button { padding: .5rem 1.2rem; margin-right: .5rem; }
    button[value=authorize], form.sign-in button { background: #fc4c02; color: white; border: 0; }
    .error { color: #b00020; }
  </style>
</head>
<body>
  <header>STRAVA SANDBOX</header>
  <p class="note">A local test double of Strava for development: no real Strava account is involved.</p>
  <main>
${body}
  </main>
</body>
</html>`;
}

/** The sign-in form; the authorize request rides along in `next`. */
export function signInPage(client: RegisteredClient, next: string, error?: string): string {
  return layout(
    'Sign in',
    `    <h1>Sign in</h1>
    <p>to authorize <strong>${escapeHtml(client.name)}</strong>.</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form class="sign-in" method="post" action="/oauth/sign-in">
      ${hidden({ next })}
      <label>Username <input type="text" name="username" autocomplete="username" required></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      <button type="submit">Sign in</button>
    </form>`,
  );
}

/** The consent form: one checkbox per requested scope (read is always granted), then Authorize or Cancel. */
export function consentPage(client: RegisteredClient, athlete: Athlete, scopes: StravaScope[], fields: Record<string, string>): string {
  const boxes = scopes
    .map((scope) => {
      const required = scope === 'read';
      return `<label><input type="checkbox" name="granted" value="${scope}" checked${required ? ' disabled' : ''}> ${escapeHtml(SCOPE_DESCRIPTIONS[scope])} <code>${scope}</code>${required ? ' (required)' : ''}</label>`;
    })
    .join('\n      ');
  return layout(
    'Authorize',
    `    <h1>Authorize ${escapeHtml(client.name)}</h1>
    <p>Signed in as <strong>${escapeHtml(`${athlete.firstname} ${athlete.lastname}`)}</strong> (${escapeHtml(athlete.username)}).</p>
    <form method="post" action="/oauth/authorize">
      ${hidden(fields)}
      <fieldset>
        <legend>${escapeHtml(client.name)} asks to</legend>
      ${boxes}
      </fieldset>
      <p>
        <button type="submit" name="decision" value="authorize">Authorize</button>
        <button type="submit" name="decision" value="cancel">Cancel</button>
      </p>
    </form>
    <form method="post" action="/oauth/sign-out">
      ${hidden({ next: fields.next ?? '' })}
      <button type="submit">Not you? Sign out</button>
    </form>`,
  );
}
