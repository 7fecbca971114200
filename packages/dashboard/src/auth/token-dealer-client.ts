// The dashboard as an OAuth 2.0 / OpenID Connect client of TokenDealer, through openid-client:
// authorization code with PKCE, state and (with OpenID Connect) nonce; refresh; revocation; and
// RP-initiated logout. The server's metadata is discovered once, on first use.
import * as oidc from 'openid-client';

export interface IssuedTokens {
  accessToken: string;
  /** Epoch seconds. */
  accessExpiresAt: number;
  refreshToken: string | null;
  idToken: string | null;
  sub: string;
  email: string | null;
  name: string | null;
}

export interface TokenDealerClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
}

/** Scopes that only mean something to an OpenID Provider. */
const OPENID_ONLY_SCOPES = new Set(['openid', 'email']);

export class TokenDealerClient {
  readonly #options: TokenDealerClientOptions;
  #config: Promise<oidc.Configuration> | undefined;

  constructor(options: TokenDealerClientOptions) {
    this.#options = options;
  }

  #configuration(): Promise<oidc.Configuration> {
    this.#config ??= oidc
      .discovery(new URL(this.#options.issuer), this.#options.clientId, this.#options.clientSecret, oidc.ClientSecretBasic(this.#options.clientSecret), {
        // TokenDealer runs on plain http on loopback in development; openid-client refuses that unless told.
        ...(this.#options.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        this.#config = undefined;
        throw error;
      });
    return this.#config;
  }

  /** Whether TokenDealer issues ID tokens (it advertises their signing algorithms). */
  async #isOpenIdProvider(): Promise<boolean> {
    return ((await this.#configuration()).serverMetadata().id_token_signing_alg_values_supported?.length ?? 0) > 0;
  }

  async #scopes(): Promise<string> {
    const openid = await this.#isOpenIdProvider();
    return this.#options.scopes.split(' ').filter((scope) => openid || !OPENID_ONLY_SCOPES.has(scope)).join(' ');
  }

  async authorizationUrl(state: string, nonce: string, codeVerifier: string): Promise<string> {
    const config = await this.#configuration();
    const scope = await this.#scopes();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#options.redirectUri,
      scope,
      state,
      ...(scope.split(' ').includes('openid') ? { nonce } : {}),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).href;
  }

  async exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<IssuedTokens> {
    const config = await this.#configuration();
    const openid = (await this.#scopes()).split(' ').includes('openid');
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      ...(openid ? { expectedNonce: checks.nonce, idTokenExpected: true } : {}),
    });
    return issuedTokens(tokens);
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    return issuedTokens(await oidc.refreshTokenGrant(await this.#configuration(), refreshToken));
  }

  /** Revokes the refresh token (RFC 7009), which ends its whole family with its access tokens. */
  async revoke(refreshToken: string): Promise<void> {
    await oidc.tokenRevocation(await this.#configuration(), refreshToken, { token_type_hint: 'refresh_token' });
  }

  /** Where to send the browser to end the TokenDealer session too, when TokenDealer offers it. */
  async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | undefined> {
    const config = await this.#configuration();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
  }
}

function issuedTokens(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): IssuedTokens {
  const claims = tokens.claims();
  // Without an ID token, the subject is read from TokenDealer's JWT access token, which came
  // straight from its token endpoint over this connection.
  const sub = claims?.sub ?? accessTokenSubject(tokens.access_token);
  return {
    accessToken: tokens.access_token,
    accessExpiresAt: Math.floor(Date.now() / 1000) + (tokens.expiresIn() ?? 300),
    refreshToken: tokens.refresh_token ?? null,
    idToken: tokens.id_token ?? null,
    sub,
    email: typeof claims?.email === 'string' ? claims.email : null,
    name: typeof claims?.name === 'string' ? claims.name : null,
  };
}

function accessTokenSubject(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('the access token names no subject');
  return payload.sub;
}
