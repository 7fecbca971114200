// Longest-prefix routing over a table sorted once, when the configuration is loaded.

export interface Routable {
  readonly prefix: string;
}

export class RouteTable<R extends Routable> {
  readonly #byLongestPrefix: readonly R[];

  constructor(routes: readonly R[]) {
    this.#byLongestPrefix = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The route whose prefix is the longest one `path` starts with, or undefined. */
  match(path: string): R | undefined {
    for (const route of this.#byLongestPrefix) if (path.startsWith(route.prefix)) return route;
    return undefined;
  }
}
