// Longest-prefix routing over a table sorted once, when the configuration is loaded. Paths arrive
// normalised (RFC 3986 section 6.2.2: `%41` is `A`, other escapes upper-case), so a case-insensitive
// prefix compares against the normalised path folded to lower case, never against raw escapes.
import { asciiLowerCase } from '../config/ascii-case.js';

export interface Routable {
  readonly prefix: string;
  /** Match the prefix without regard to ASCII case. */
  readonly caseInsensitive?: boolean;
}

interface Entry<R> {
  readonly route: R;
  /** The prefix folded to lower case for case-insensitive routes, undefined for the others. */
  readonly foldedPrefix: string | undefined;
}

export class RouteTable<R extends Routable> {
  readonly #byLongestPrefix: readonly Entry<R>[];
  /** Some route matches without regard to case: paths are then checked for non-ASCII letters that fold to ASCII elsewhere. */
  readonly hasCaseInsensitiveRoute: boolean;

  constructor(routes: readonly R[]) {
    this.#byLongestPrefix = [...routes]
      .sort((a, b) => b.prefix.length - a.prefix.length)
      .map((route) => ({ route, foldedPrefix: route.caseInsensitive === true ? asciiLowerCase(route.prefix) : undefined }));
    this.hasCaseInsensitiveRoute = routes.some((route) => route.caseInsensitive === true);
  }

  /** The route whose prefix is the longest one `path` starts with, or undefined. */
  match(path: string): R | undefined {
    let folded: string | undefined;
    for (const { route, foldedPrefix } of this.#byLongestPrefix) {
      if (foldedPrefix === undefined) {
        if (path.startsWith(route.prefix)) return route;
      } else {
        folded ??= asciiLowerCase(path);
        if (folded.startsWith(foldedPrefix)) return route;
      }
    }
    return undefined;
  }
}
