// What the guard's default path does beyond raw node:crypto, and what issue 9 changed in it:
// a record of the profiling behind section 3 (`node bench/dist/profile-verify.js`), kept here so
// that the report, which is generated, keeps it.
export const VERIFY_NOTES: string[] = [
  '**Where the default path\'s time goes.** A profile of 20,000 new tokens through the default verifier ' +
    '(`node bench/dist/profile-verify.js out.cpuprofile`, the verification loop only) before issue 9\'s last change: apart from node:crypto\'s ' +
    'verify, which raw pays too, lru-cache 3.3% of self time (a `get` and a `set` for every new token), claims JSON parsing 1.7%, ' +
    'the core\'s own code 1.3%, GC 1.3%; `--trace-gc` showed scavenges taking about 3% of a round with the default cache against under 1% ' +
    'with `cacheSize: 0`, since every new token\'s claims stayed alive until evicted and were copied by the young-generation collector.',
  '',
  '**What changed.**',
  '',
  '- A verified token is cached at its second verification, not its first, as nginx\'s `proxy_cache_min_uses 2` does: the cache notes a ' +
    'token seen once in a table of 30-bit marks read from its signature (an `Int32Array` of at least twice the cache size) and stores ' +
    'its claims when it comes again. A token used for a whole session is verified twice instead of once, then served from memory; a ' +
    'token presented once costs no cache entry, and a flood of one-off tokens cannot push the tokens in use out of the cache.',
  '- The cache is indexed by 30 bits read from the token\'s last five characters (signature characters, random for every accepted ' +
    'algorithm) instead of the whole token: a request brings its token as a new string of some 400 characters, and hashing it on every ' +
    'lookup was about half of the cache\'s own cost (in a micro-benchmark, a `get` that misses on a 10,000-entry `Map` keyed by such ' +
    'strings took about 0.9 µs; a `get` and a `set` by a small integer in the same lru-cache about 0.4 µs). A hit still needs the whole ' +
    'token to be equal to the entry\'s.',
  '- Claims are frozen at every verification when the cache is on (a handler that wrote to them would otherwise work until the ' +
    'token\'s second request and throw from then on).',
  '- Before that, in the same issue: the signing input, the signature and the decoded claims go through three buffers the core keeps ' +
    'instead of three new Buffers per token, and `verify` builds no options object per call.',
  '',
  'With these, the default path costs what `cacheSize: 0` costs, within the noise; what separates both from raw is the claims check ' +
    'itself (JSON parsing of the claims about 1.5%, the token\'s regular expression about 0.5%, header and claim checks) and the promise ' +
    'the public `verify` returns, which a request handler awaits.',
  '',
];
