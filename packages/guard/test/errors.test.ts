import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuardError, InsufficientScopeError, InvalidRequestError, InvalidTokenError, MissingTokenError } from '../src/index.js';

describe('GuardError and RFC 6750 challenges', () => {
  it('maps each error to its RFC 6750 status and error code', () => {
    const cases: Array<[GuardError, number, string]> = [
      [new InvalidTokenError('token expired'), 401, 'invalid_token'],
      [new InsufficientScopeError(['runs:write']), 403, 'insufficient_scope'],
      [new InvalidRequestError('two tokens'), 400, 'invalid_request'],
      [new MissingTokenError(), 401, 'missing_token'],
    ];
    for (const [error, status, code] of cases) {
      assert.ok(error instanceof GuardError);
      assert.ok(error instanceof Error);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.name, error.constructor.name);
    }
  });

  it('builds the invalid_token challenge with realm, error and error_description', () => {
    assert.equal(
      new InvalidTokenError('token expired').wwwAuthenticate('runs'),
      'Bearer realm="runs", error="invalid_token", error_description="token expired"',
    );
  });

  it('adds the required scopes to the insufficient_scope challenge (RFC 6750 section 3)', () => {
    const error = new InsufficientScopeError(['runs:write', 'runs:admin']);
    assert.deepEqual(error.requiredScopes, ['runs:write', 'runs:admin']);
    assert.equal(
      error.wwwAuthenticate('runs'),
      'Bearer realm="runs", error="insufficient_scope", error_description="the access token lacks a required scope", scope="runs:write runs:admin"',
    );
  });

  it('gives a bare challenge with no error attributes when the request had no credentials (RFC 6750 section 3.1)', () => {
    assert.equal(new MissingTokenError().wwwAuthenticate('runs'), 'Bearer realm="runs"');
  });

  it('strips quotes, backslashes, control and non-ASCII characters so the header stays well-formed', () => {
    const error = new InvalidTokenError('bad "kid" \\ here\r\nSet-Cookie: x=1\u0000 caf\u00e9');
    assert.equal(
      error.wwwAuthenticate('ru"ns\n'),
      'Bearer realm="runs", error="invalid_token", error_description="bad kid  hereSet-Cookie: x=1 caf"',
    );
    const scoped = new InsufficientScopeError(['a"b', 'c d\\']);
    assert.match(scoped.wwwAuthenticate('r'), /, scope="ab cd"$/);
  });
});
