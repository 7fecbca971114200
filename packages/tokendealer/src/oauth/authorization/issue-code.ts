import type { TokenDealer } from '../../tokendealer.js';
import { newOpaqueToken } from '../../tokens/opaque-token.js';

/** RFC 9700 section 4.5 / FAPI 2.0: codes are single use and live at most 60 seconds. */
export const CODE_LIFETIME_SECONDS = 60;

export interface CodeGrant {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  audience: string | string[];
  codeChallenge: string | null;
  authTime: number;
}

/** A 256-bit code, stored only as its hash, bound to everything the token request must match. */
export async function issueAuthorizationCode(tokenDealer: TokenDealer, grant: CodeGrant, now: number): Promise<string> {
  const code = newOpaqueToken();
  await tokenDealer.storage.authorizationCodes.create({ codeHash: code.hash, ...grant, createdAt: now, expiresAt: now + CODE_LIFETIME_SECONDS });
  return code.value;
}
