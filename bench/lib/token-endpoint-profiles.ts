// Where the token endpoint's CPU goes, before and after the issue 9 work on its per-request path:
// a record of three profiling sessions (not re-measured by `npm run bench`, which cannot profile
// without changing what it measures). Kept here so that the report, which is generated, keeps it.

const BEFORE = [
  ['33.1%', 'signOneShot (node:crypto ES256 signature)'],
  ['16.4%', 'writev (the response on the socket)'],
  ['4.7%', '(program)'],
  ['4.0% + 0.9%', 'Hmac + digest (createHmac of the client secret)'],
  ['2.2%', '(garbage collector)'],
  ['1.5%', 'issueAccessToken'],
  ['1.4%', 'the token route handler'],
  ['1.4%', 'fastify serialize (JSON.stringify of the answer)'],
  ['1.1%', 'readClientSecretBasic (regex, decodeURIComponent of id and secret)'],
  ['1.1% + 0.9%', 'FormParameters parse + decode (regex and decodeURIComponent of every name and value)'],
  ['0.6%', 'isIPv6 regex (addressGroup of an IPv4 address)'],
  ['(about 1%)', 'pino child logger per request, request.routeOptions object per request (metrics hook)'],
];

const AFTER = [
  ['36.9%', 'signOneShot (node:crypto ES256 signature)'],
  ['13.6%', 'writev (the response on the socket)'],
  ['5.1%', '(program)'],
  ['2.9%', 'fastify serialize (JSON.stringify of the answer)'],
  ['2.5%', 'hash (HMAC-SHA-256 of the client secret as two one-shot SHA-256 calls over precomputed pads)'],
  ['1.6%', '(garbage collector)'],
  ['1.5%', 'FormParameters parse (decode skipped for plain names and values)'],
  ['1.5%', 'issueAccessToken'],
  ['1.2%', 'the token route handler'],
  ['0.8%', 'FastCounter add (route metrics)'],
];

/** After the lean path and the remembered secret (`node bench/dist/profile-token-endpoint.js`, load average about 1.6). */
const LEAN = [
  ['38.2%', 'signOneShot (node:crypto ES256 signature)'],
  ['19.9%', 'writev (the response on the socket)'],
  ['5.0%', '(program)'],
  ['4.5%', 'answerTokenRequest (the lean path: JSON.stringify of the answer, headers; inlined callees)'],
  ['2.4%', 'issueAccessToken (claims JSON and base64url)'],
  ['1.9%', '(garbage collector)'],
  ['1.5%', 'parserOnIncoming (node:http)'],
  ['1.0%', 'the client_credentials grant (scope and audience)'],
  ['1.0%', 'FormParameters parse'],
  ['0.6%', 'clientBySecretQuietly (Basic credentials, registry lookup; the secret compared with the one it last matched)'],
  ['0.6%', 'FastHistogram observe (request duration)'],
];

/** The bare limit in the same session and load. */
const LIMIT = [
  ['38.6%', 'signOneShot (node:crypto ES256 signature)'],
  ['21.5%', 'writev (the response on the socket)'],
  ['6.1%', 'randomFillSync (randomBytes(16) for each jti; TokenDealer draws from a pool)'],
  ['4.6%', '(program)'],
  ['3.2%', '(garbage collector)'],
  ['2.3%', 'mintAccessToken (claims JSON and base64url)'],
  ['2.2%', 'sendJson (JSON.stringify of the answer, headers)'],
];

const rows = (frames: string[][]) => ['| self time | frame |', '| --- | --- |', ...frames.map(([share, frame]) => `| ${share} | ${frame} |`)];

export const TOKEN_ENDPOINT_PROFILES: string[] = [
  '### Where the token endpoint\'s CPU goes (profiles)',
  '',
  '**How.** `tokendealer serve` (SQLite, `--log-level warn`) under `node --cpu-prof`, pinned with `taskset -c 0`, loaded for 20 s by ' +
    '`autocannon -c 50` on core 1 with the section 1 request (`client_credentials`, HTTP Basic); self time per function over the samples after ' +
    'the first 10 s (start-up excluded, idle excluded). Measured by hand on 2026-12-06 on this 2-core machine while other work ran on it ' +
    '(load average about 18), before and after the change, with the same client and database.',
  '',
  '**Before** (the tree with the issue 9 security fixes, before the per-request work below was removed):',
  '',
  ...rows(BEFORE),
  '',
  '**After the first round** (still the Fastify route for every request):',
  '',
  ...rows(AFTER),
  '',
  'What no longer runs per request: `createHmac` (a new HMAC context per call; now two `crypto.hash` calls over the key\'s inner and outer pads, ' +
    'the same RFC 2104 value, checked against `createHmac` by test/secret-hasher.test.ts), decoding the stored hash from base64url, a pino child logger ' +
    '(built on first use: a successful token request logs nothing), the `request.routeOptions` object the metrics hook read (each route\'s hook ' +
    'now holds its URL), the IPv6 regex on IPv4 addresses, and `decodeURIComponent` with a regex on names, values and Basic credentials holding ' +
    'no `%` or `+`. No check was dropped: the secret is still compared in constant time with the stored keyed hash, every limit still applies. ' +
    'The signature is the same fixed cost in both profiles, so its share gives the change in CPU per request: 33.1 / 36.9 = 0.90 of before. ' +
    'The rest is spread over Fastify\'s request pipeline (routing, the body stream, hooks, reply), each under 1%; reaching 0.85 of the bare ' +
    'server would take answering the token endpoint outside Fastify.',
  '',
  '**After the lean path** (`src/http/lean-token-endpoint.ts` answers a correct client_credentials request with a Basic secret in plain ' +
    '`node:http` before Fastify, with the same status, body, headers and metrics; everything else goes to the unchanged Fastify route) ' +
    '**and the remembered secret** (the secret hasher keeps the bytes of the last secret each stored hash matched and compares a presented ' +
    'secret with them in constant time, so the HMAC runs once per client and secret instead of once per request). Measured with ' +
    '`node bench/dist/profile-token-endpoint.js` (same load, 15 s after 5 s of warm-up, both servers one after the other, load average about 1.6): ' +
    'TokenDealer 8,985 req/s and 111 µs of CPU per token under the profiler, the limit 10,509 req/s and 95 µs.',
  '',
  ...rows(LEAN),
  '',
  '**The limit**, same session:',
  '',
  ...rows(LIMIT),
  '',
  'Fastify\'s frames are gone from the token path, and the HMAC (2.2% + 0.4% before) with them. The signature takes the same share of ' +
    'both profiles (38.2% and 38.6%), and the socket write nearly so: TokenDealer\'s own code is now about as large as what the bare server ' +
    'spends on its less careful parts (a `randomBytes` call per jti, 6.1%). Where the remaining difference in CPU per token goes is not in ' +
    'any one frame: user time is 84 against 77 µs per token and system time 24 against 22 µs (`/proc/PID/stat` of both under the same ' +
    'load), and both allocate about as much (14.9 against 13.7 kB per token, `--trace-gc-nvp`).',
  '',
];
