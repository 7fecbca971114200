// The account rules that need no server: password hashing and policy, email addresses, return_to, cookies, CSRF tokens, HTML escaping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCRYPT, PasswordHasher } from '../src/accounts/password-hasher.js';
import { checkPassword } from '../src/accounts/password-policy.js';
import { normalizeEmail } from '../src/accounts/email-address.js';
import { checkReturnTo } from '../src/web/return-to.js';
import { cookiePolicy } from '../src/sessions/session-cookie.js';
import { CsrfTokens } from '../src/sessions/csrf.js';
import { html, renderHtml } from '../src/web/html.js';
import { TEST_SCRYPT } from './helpers/test-server.js';

describe('password hashing', () => {
  it('uses at least OWASP\'s scrypt parameters by default and says so in the hash', async () => {
    assert.ok(DEFAULT_SCRYPT.logN >= 17 && DEFAULT_SCRYPT.r >= 8 && DEFAULT_SCRYPT.p >= 1);
    const hash = await new PasswordHasher().hash('correct horse battery staple');
    assert.match(hash, /^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await new PasswordHasher().verify('correct horse battery staple', hash), true);
  });

  it('salts every hash, verifies the right password only, and refuses malformed hashes', async () => {
    const hasher = new PasswordHasher(TEST_SCRYPT);
    const [first, second] = [await hasher.hash('pass phrase one'), await hasher.hash('pass phrase one')];
    assert.notEqual(first, second);
    assert.equal(await hasher.verify('pass phrase one', first), true);
    assert.equal(await hasher.verify('pass phrase two', first), false);
    for (const bad of ['', 'plain', first.replace('ln=14', 'ln=40'), first.slice(0, -2), `$bcrypt$${first.slice(8)}`]) {
      assert.equal(await hasher.verify('pass phrase one', bad), false, bad);
    }
  });

  it('verifies hashes made with other parameters (they can rise later) and tells which need rehashing', async () => {
    const old = await new PasswordHasher({ logN: 12, r: 8, p: 1 }).hash('pass phrase');
    const current = new PasswordHasher(TEST_SCRYPT);
    assert.equal(await current.verify('pass phrase', old), true);
    assert.equal(current.needsRehash(old), true);
    assert.equal(current.needsRehash(await current.hash('pass phrase')), false);
  });

  it('hashes the NFKC form, so equivalent Unicode spellings match', async () => {
    const hasher = new PasswordHasher(TEST_SCRYPT);
    assert.equal(await hasher.verify('ﬁle cabinet 42', await hasher.hash('file cabinet 42')), true);
  });

  it('spends a real verification on unknown accounts', async () => {
    const hasher = new PasswordHasher(TEST_SCRYPT);
    assert.equal(await hasher.verifyDummy('anything at all'), false);
  });
});

describe('password policy', () => {
  const email = normalizeEmail('Runner@Example.com');
  it('accepts 8 to 128 characters after NFKC, and refuses the email as password', () => {
    checkPassword('12345678', email);
    checkPassword('é'.repeat(128), email);
    assert.throws(() => checkPassword('1234567', email), /at least 8/);
    assert.throws(() => checkPassword('x'.repeat(129), email), /at most 128/);
    assert.throws(() => checkPassword('runner@example.com', email), /must not be your email/);
    assert.throws(() => checkPassword(' RUNNER@EXAMPLE.COM', email), /must not be your email/);
  });
});

describe('email addresses', () => {
  it('trims, lowercases the domain and keys on the whole address in lower case', () => {
    assert.deepEqual(normalizeEmail('  Jane.Doe+runs@Example.COM '), { email: 'Jane.Doe+runs@example.com', key: 'jane.doe+runs@example.com' });
  });
  it('refuses malformed and over-long addresses', () => {
    for (const bad of ['', 'plain', '@example.com', 'a@', 'a@b', 'a b@example.com', 'a@exa mple.com', 'a@-x.com', 'a..b@x.com', 'a@x..com', '"q"@x.com', 'a\u0000@x.com', `${'a'.repeat(65)}@x.com`, `a@${'b'.repeat(250)}.com`]) {
      assert.throws(() => normalizeEmail(bad), { name: 'Error' }, bad);
    }
  });
});

describe('return_to', () => {
  const issuer = 'https://auth.runnerly.io';
  it('keeps relative paths on this server', () => {
    assert.equal(checkReturnTo('/account', issuer), '/account');
    assert.equal(checkReturnTo('/oauth/authorize?client_id=a&state=b', issuer), '/oauth/authorize?client_id=a&state=b');
    assert.equal(checkReturnTo(undefined, issuer), undefined);
  });
  it('refuses everything that could leave it', () => {
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', '\\/evil.example', 'evil', 'javascript:alert(1)', '/\tevil', '/a\nb', ' /account']) {
      assert.throws(() => checkReturnTo(bad, issuer), /path on this server/, bad);
    }
  });
});

describe('cookies and CSRF tokens', () => {
  it('uses Secure __Host- cookies except for plain http on localhost', () => {
    assert.deepEqual(cookiePolicy('https://auth.runnerly.io'), { secure: true, session: '__Host-tokendealer_session', csrf: '__Host-tokendealer_csrf' });
    for (const local of ['http://localhost:5001', 'http://127.0.0.1:5001', 'http://[::1]:5001']) assert.equal(cookiePolicy(local).secure, false, local);
    assert.equal(cookiePolicy('http://auth.runnerly.io').secure, true, 'http elsewhere still gets Secure');
  });
  it('accepts a CSRF token only for its own binding', () => {
    const tokens = new CsrfTokens(Buffer.alloc(32, 1));
    const token = tokens.tokenFor('session:abc');
    assert.equal(tokens.verify(token, ['anonymous:x', 'session:abc']), true);
    assert.equal(tokens.verify(token, ['session:abd']), false);
    assert.equal(tokens.verify(token, []), false);
    assert.equal(tokens.verify(undefined, ['session:abc']), false);
    assert.equal(new CsrfTokens(Buffer.alloc(32, 2)).verify(token, ['session:abc']), false, 'another installation key');
  });
});

describe('html templates', () => {
  it('escapes interpolated text and keeps nested templates', () => {
    const name = '<b>"Tom" & \'Jerry\'</b>';
    assert.equal(renderHtml(html`<p title="${name}">${name}${html`<i>ok</i>`}${[1, 2]}${undefined}</p>`), '<p title="&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;">&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;<i>ok</i>12</p>');
  });
});
