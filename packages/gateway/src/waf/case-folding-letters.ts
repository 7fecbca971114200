// Letters outside ASCII that case-insensitive comparisons elsewhere take for ASCII ones. Java's
// equalsIgnoreCase (and toUpperCase/toLowerCase) maps U+0130 İ and U+212A K (Kelvin sign) down to
// "i" and "k", U+0131 ı and U+017F ſ (long s) up to "I" and "S". Case-insensitive routes fold A-Z
// only (config/ascii-case.ts), so "/adm%C4%B1n/x" misses a case-insensitive "/admin/" route and
// falls through to a broader one, whose upstream may well read it as /admin/x. These four are all
// the letters whose simple case mapping lands in ASCII.
import { decodingStages } from './percent-decoding.js';

const FOLDS_TO_ASCII = /[\u0130\u0131\u017f\u212a]/;

/** The first such letter in `path` after any decoding stage (UTF-8, %uXXXX, double encoding), or undefined. */
export function caseFoldingLetter(path: string): string | undefined {
  // Node's parser refuses raw non-ASCII bytes in a request-target: only escapes can carry them.
  if (!path.includes('%')) return undefined;
  for (const stage of decodingStages(path)) {
    const found = FOLDS_TO_ASCII.exec(stage);
    if (found !== null) return found[0];
  }
  return undefined;
}
