import { compactVerify, decodeProtectedHeader } from 'jose';
import type { TokenDealer } from '../../tokendealer.js';
import { ID_TOKEN_ALGORITHMS } from '../../keys/algorithms.js';

export interface HintedIdToken {
  sub: string;
  aud: string[];
  sid: string | undefined;
}

/**
 * An ID token this issuer signed, given back as id_token_hint (OpenID Connect Core section
 * 3.1.2.1, RP-Initiated Logout section 2): signature and issuer must hold; an expired one is
 * still a good hint. Undefined for anything else, an access token included (typ at+jwt).
 */
export async function readIdTokenHint(tokenDealer: TokenDealer, hint: string): Promise<HintedIdToken | undefined> {
  try {
    const header = decodeProtectedHeader(hint);
    if (header.typ !== 'JWT' || !(ID_TOKEN_ALGORITHMS as readonly string[]).includes(header.alg ?? '')) return undefined;
    const key = tokenDealer.keyRing.publicKey(header.kid, header.alg!);
    if (!key) return undefined;
    const { payload } = await compactVerify(hint, key, { algorithms: [header.alg!] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.iss !== tokenDealer.issuer || typeof claims.sub !== 'string' || typeof claims.auth_time !== 'number') return undefined;
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((value): value is string => typeof value === 'string') : [];
    return { sub: claims.sub, aud, sid: typeof claims.sid === 'string' ? claims.sid : undefined };
  } catch {
    return undefined;
  }
}
