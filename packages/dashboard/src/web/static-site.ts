// The built React front end: hashed assets cached for a year (their names change when they do),
// the page itself never cached, served for every route the front end knows, under a strict
// Content-Security-Policy (no inline script or style, nothing from other origins).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The front end's own routes: each answers the page, and the app shows the right view. */
export const PAGE_ROUTES = ['/', '/runs', '/runs/:id', '/races', '/plan', '/reports', '/settings'];

export async function registerStaticSite(app: FastifyInstance, webDir: string): Promise<void> {
  const indexFile = join(webDir, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`the front end is not built: ${indexFile} is missing (run npm run build)`);
  const indexHtml = readFileSync(indexFile);

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/docs')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('x-frame-options', 'DENY');
    return payload;
  });

  await app.register(fastifyStatic, {
    root: join(webDir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    wildcard: true,
  });
  for (const route of PAGE_ROUTES) {
    app.get(route, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml));
  }
  for (const file of ['favicon.svg', 'robots.txt']) {
    const path = join(webDir, file);
    if (existsSync(path)) {
      const content = readFileSync(path);
      app.get(`/${file}`, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').type(file.endsWith('.svg') ? 'image/svg+xml' : 'text/plain').send(content));
    }
  }
}
