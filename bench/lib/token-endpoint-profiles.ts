// Where the token endpoint's CPU goes, before and after the issue 9 work on its per-request path:
// a record of two profiling sessions (not re-measured by `npm run bench`, which cannot profile
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
  '**After**:',
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
    'server would take answering the token endpoint outside Fastify, which was not done.',
  '',
];
