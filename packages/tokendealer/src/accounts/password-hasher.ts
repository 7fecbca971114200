import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt (N=2^17, r=8, p=1): 128 MiB and about half a second per hash here. */
export const DEFAULT_SCRYPT: ScryptParameters = { logN: 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Self-describing so that the parameters can rise later: old hashes keep verifying with theirs.
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  // scrypt needs 128 * N * r bytes; node refuses more than maxmem, so allow twice that.
  const options: ScryptOptions = { N, r: parameters.r, p: parameters.p, maxmem: 256 * N * parameters.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Memory-hard password hashes: `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (base64url). */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(readonly parameters: ScryptParameters = DEFAULT_SCRYPT) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.parameters);
    const { logN, r, p } = this.parameters;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Constant-time check of a password against a stored hash; false for a malformed hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const match = FORMAT.exec(stored);
    if (!match) return false;
    const parameters = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    if (parameters.logN < 10 || parameters.logN > 22 || parameters.r < 1 || parameters.p < 1) return false;
    const expected = Buffer.from(match[5]!, 'base64url');
    const key = await derive(password, Buffer.from(match[4]!, 'base64url'), parameters);
    return timingSafeEqual(key, expected);
  }

  /** Spends the same time as checking a real password, for an email with no account. */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('dummy password for unknown accounts');
    await this.verify(password, await this.dummy);
    return false;
  }

  /** Whether a stored hash was made with weaker parameters than the current ones (to rehash at next sign-in). */
  needsRehash(stored: string): boolean {
    const match = FORMAT.exec(stored);
    if (!match) return true;
    return Number(match[1]) < this.parameters.logN || Number(match[2]) < this.parameters.r || Number(match[3]) < this.parameters.p;
  }
}
