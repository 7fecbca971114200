// Letters outside ASCII that case-insensitive comparisons elsewhere take for ASCII ones. Java's
// equalsIgnoreCase (and toUpperCase/toLowerCase) maps U+0130 İ and U+212A K (Kelvin sign) down to
// "i" and "k", U+0131 ı and U+017F ſ (long s) up to "I" and "S". Case-insensitive routes fold A-Z
// only (config/ascii-case.ts), so "/adm%C4%B1n/x" misses a case-insensitive "/admin/" route and
// falls through to a broader one, whose upstream may well read it as /admin/x. These four are all
// the letters whose simple case mapping lands in ASCII. Such a path is refused only when folding
// these letters would change which route takes it: /%C4%B0stanbul (İstanbul) goes where /istanbul
// would, so it is just a name.
import { decodingStages } from './percent-decoding.js';

const FOLDS_TO_ASCII = /[\u0130\u0131\u017f\u212a]/;
const FOLD_ALL = /[\u0130\u0131\u017f\u212a]/g;
const ASCII_OF: Readonly<Record<string, string>> = { '\u0130': 'i', '\u0131': 'i', '\u017f': 's', '\u212a': 'k' };

/**
 * The first such letter of a decoding stage of `path` whose folding (İ and ı to i, ſ to s, K to k)
 * makes `match` pick another route than for `path` as received, or undefined.
 */
export function routeChangingLetter<R>(path: string, match: (path: string) => R | undefined): string | undefined {
  if (!path.includes('%')) return undefined;
  const routed = match(path);
  for (const stage of decodingStages(path)) {
    const found = FOLDS_TO_ASCII.exec(stage);
    if (found === null) continue;
    if (match(stage.replace(FOLD_ALL, (letter) => ASCII_OF[letter]!)) !== routed) return found[0];
  }
  return undefined;
}

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
