import type { FastifyInstance } from 'fastify';

export const STYLESHEET_PATH = '/static/tokendealer.css';

// One small stylesheet for every page: readable type, one column, a visible focus ring, and
// colours with enough contrast (WCAG AA).
const STYLESHEET = `*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:100%;line-height:1.5;color:#1f2328;background:#f6f8fa}
body{margin:0}
a{color:#0b57d0}
a:hover{text-decoration-thickness:2px}
.site-header{background:#fff;border-bottom:1px solid #d0d7de}
.site-header nav{max-width:32rem;margin:0 auto;padding:.75rem 1rem;display:flex;gap:1rem;align-items:center}
.site-name{font-weight:700;color:#1f2328;text-decoration:none;margin-right:auto}
main{max-width:32rem;margin:2rem auto;padding:1.5rem 1.5rem 2rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=email],input[type=password],input[type=text]{display:block;width:100%;padding:.5rem .625rem;font:inherit;color:inherit;background:#fff;border:1px solid #8c959f;border-radius:6px}
input[aria-invalid=true]{border-color:#cf222e;border-width:2px}
.hint{margin:.25rem 0 0;font-size:.875rem;color:#57606a}
.field-error{margin:.25rem 0 0;font-size:.875rem;font-weight:600;color:#a40e26}
button{margin-top:1.5rem;padding:.5rem 1.25rem;font:inherit;font-weight:600;color:#fff;background:#1f6feb;border:1px solid #1158c7;border-radius:6px;cursor:pointer}
button:hover{background:#1158c7}
button.secondary{color:#1f2328;background:#f6f8fa;border-color:#8c959f}
:focus-visible{outline:3px solid #fb8c00;outline-offset:2px}
.error-summary{margin:0 0 1rem;padding:.75rem 1rem;border:2px solid #cf222e;border-radius:6px;background:#fff5f5}
.error-summary h2{margin:0 0 .25rem;font-size:1rem;color:#a40e26}
.error-summary ul{margin:0;padding-left:1.25rem}
.notice{padding:.75rem 1rem;border-left:4px solid #1f6feb;background:#f0f6ff}
.more{margin-top:1.5rem;font-size:.9375rem}
dl{margin:0}dt{font-weight:600}dd{margin:0 0 .75rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}
.scopes{margin:.5rem 0 1rem;padding-left:1.25rem}
.apps{list-style:none;margin:0;padding:0}
.apps>li{padding:.75rem 0;border-top:1px solid #d0d7de}
.apps h3{font-size:1rem;margin:0}
.apps button{margin-top:.5rem}
`;

export function stylesheetRoute(app: FastifyInstance): void {
  app.get(STYLESHEET_PATH, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
}
