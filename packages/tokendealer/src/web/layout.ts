import { html, renderHtml, type SafeHtml } from './html.js';
import { STYLESHEET_PATH } from './stylesheet.js';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The signed-in user's email, to show the account link instead of sign-in and sign-up. */
  signedInAs?: string | undefined;
}

/** The one layout of every page. */
export function page({ title, body, signedInAs }: PageOptions): string {
  const nav = signedInAs
    ? html`<a href="/account">Account</a>`
    : html`<a href="/signin">Sign in</a><a href="/signup">Sign up</a>`;
  return `<!doctype html>\n${renderHtml(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · TokenDealer</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="site-header"><nav aria-label="Site"><a class="site-name" href="/account">TokenDealer</a>${nav}</nav></header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`)}`;
}
