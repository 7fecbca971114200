import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer } from '../src/index.js';

it('writes each message as one JSON file, readable by its owner only, in the order sent', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mail-')), 'outbox');
  const mailer = createMailer({ smtpUrl: undefined, from: 'Runnerly <reports@localhost>', outboxDir: dir });
  await mailer.send({ to: 'a@example.com', subject: 'first', text: 't', html: '<p>t</p>', links: ['http://x/1'] });
  await mailer.send({ to: 'b@example.com', subject: 'second', text: 't', html: '<p>t</p>', links: [] });
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2);
  assert.ok(files.every((file) => file.endsWith('.json')), 'no temporary file left');
  const first = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...first, sent_at: 'x' }, { from: 'Runnerly <reports@localhost>', to: 'a@example.com', subject: 'first', text: 't', html: '<p>t</p>', links: ['http://x/1'], sent_at: 'x' });
  assert.equal(statSync(join(dir, files[0]!)).mode & 0o777, 0o600);
});
