import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares bearer tokens in constant time (hashing first makes the lengths equal). */
export function adminTokenMatcher(expected: string): (authorization: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected).digest();
  return (authorization) => {
    const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(authorization ?? '');
    if (!match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]!).digest(), expectedDigest);
  };
}
