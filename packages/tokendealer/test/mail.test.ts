import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxMailer } from '@runnerly/mail';
import { createMailer } from '../src/mail/create-mailer.js';
import { confirmationMessage } from '../src/mail/account-messages.js';
import { resolveConfig } from '../src/config/options.js';
import { readOutbox } from './helpers/outbox.js';

describe('mail', () => {
  it('writes each outbox message as one private JSON file, in sending order, leaving no temporary files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tokendealer-mail-')), 'outbox');
    try {
      const mailer = new OutboxMailer(dir, 'TokenDealer <no-reply@runnerly.test>');
      await Promise.all(['a', 'b', 'c'].map((name) => mailer.send(confirmationMessage(`${name}@runnerly.test`, `https://auth.runnerly.test/confirm?token=${name}`))));
      await mailer.send(confirmationMessage('d@runnerly.test', 'https://auth.runnerly.test/confirm?token=d&x=<y>'));
      const files = readdirSync(dir);
      assert.equal(files.length, 4);
      assert.ok(files.every((file) => file.endsWith('.json')), 'no temporary file left');
      assert.equal(statSync(join(dir, files[0]!)).mode & 0o777, 0o600);
      const messages = readOutbox(dir);
      assert.deepEqual(messages.map((message) => message.to), ['a@runnerly.test', 'b@runnerly.test', 'c@runnerly.test', 'd@runnerly.test']);
      const last = messages[3]!;
      assert.equal(last.from, 'TokenDealer <no-reply@runnerly.test>');
      assert.equal(last.subject, 'Confirm your email address');
      assert.deepEqual(last.links, ['https://auth.runnerly.test/confirm?token=d&x=<y>']);
      assert.ok(last.text.includes('https://auth.runnerly.test/confirm?token=d&x=<y>'));
      assert.ok(last.html.includes('href="https://auth.runnerly.test/confirm?token=d&amp;x=&lt;y&gt;"'), 'the HTML part escapes the link');
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('uses SMTP when an SMTP URL is configured, and the outbox otherwise', async () => {
    const smtp = createMailer(resolveConfig({ smtpUrl: 'smtp://user:pass@127.0.0.1:2525' }, {}));
    assert.equal(smtp.description, 'SMTP');
    await smtp.close();
    assert.match(createMailer(resolveConfig({}, {})).description, /^outbox folder/);
  });

  it('refuses a malformed SMTP URL or sender without echoing the URL', () => {
    assert.throws(() => resolveConfig({ smtpUrl: 'http://user:secret@mail' }, {}), (error: Error) => /--smtp-url must be an smtp:\/\/ or smtps:\/\/ URL/.test(error.message) && !error.message.includes('secret'));
    assert.throws(() => resolveConfig({}, { TOKENDEALER_MAIL_FROM: 'TokenDealer <a@b.io>\r\nBcc: x@y.io' }), /TOKENDEALER_MAIL_FROM must be an address/);
    assert.equal(resolveConfig({ mailFrom: 'Runnerly <auth@runnerly.io>' }, {}).mailFrom, 'Runnerly <auth@runnerly.io>');
  });
});
