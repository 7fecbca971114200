// Following a mailed confirmation link as a person does: open it, enter the sign-up's password.
import assert from 'node:assert/strict';
import { tokenOf, type PageResponse, WebClient } from './web-client.js';

/** Opens the link (its form must show) and submits the password; returns the answer to the form. */
export async function confirmByLink(baseUrl: string, link: string, password: string, client = new WebClient(baseUrl)): Promise<PageResponse> {
  const form = await client.get(new URL(link).pathname + new URL(link).search);
  assert.equal(form.status, 200, form.body);
  assert.match(form.body, /<h1>Confirm your email<\/h1>/);
  return client.post('/confirm', { token: tokenOf(link), password });
}
