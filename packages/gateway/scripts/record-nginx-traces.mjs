#!/usr/bin/env node
// Records how a real nginx (1.22, ngx_http_limit_req_module) decides limit_req for recorded arrival
// patterns, as JSON traces for test/limits-trace-replay.test.ts.
//
//   node packages/gateway/scripts/record-nginx-traces.mjs [--out DIR] [--nginx PATH]
//
// Starts nginx on 127.0.0.1 (a free port, a temporary prefix) from nginx-traces.conf.template,
// fires each arrival pattern at all configurations at once (plain burst, delay=2, nodelay, and one
// in requests per minute), each pattern with its own limit key so it starts from an empty bucket,
// stops nginx, and reads:
//   - the access log: $limit_req_status (PASSED, DELAYED, REJECTED) and the HTTP status;
//   - the debug log: nginx's own excess ("limit_req[0]: rc excess") in processing order, and its
//     millisecond clock at the decision (see the template for how it is recovered);
//   - the client's send times and response times, for information.
// Requires an nginx built with --with-debug (Debian's is). Writes <config>.json into DIR.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(new URL('../test/data/nginx-traces/', import.meta.url)) },
    nginx: { type: 'string', default: process.env.NGINX ?? 'nginx' },
  },
});

const KEEPALIVE_SECONDS = 61;
const KEEPALIVE_MS = KEEPALIVE_SECONDS * 1000;
const CLIENT_HEADER_TIMEOUT_MS = 60000;

const CONFIGS = [
  {
    name: 'plain',
    nginx: 'limit_req_zone $http_x_trace_key zone=plain:1m rate=10r/s; limit_req zone=plain burst=5;',
    rule: { ratePerSecond: 10, burst: 5, delay: 0 },
  },
  {
    name: 'delay2',
    nginx: 'limit_req_zone $http_x_trace_key zone=delay2:1m rate=10r/s; limit_req zone=delay2 burst=5 delay=2;',
    rule: { ratePerSecond: 10, burst: 5, delay: 2 },
  },
  {
    name: 'nodelay',
    nginx: 'limit_req_zone $http_x_trace_key zone=nodelay:1m rate=10r/s; limit_req zone=nodelay burst=5 nodelay;',
    rule: { ratePerSecond: 10, burst: 5, delay: 'nodelay' },
  },
  {
    name: 'perminute',
    nginx: 'limit_req_zone $http_x_trace_key zone=perminute:1m rate=100r/m; limit_req zone=perminute burst=3 delay=1;',
    rule: { ratePerSecond: 100 / 60, burst: 3, delay: 1 },
  },
];

/** mulberry32: a small seeded generator, so that the random patterns are the same on every run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function evenly(count, everyMs) {
  return Array.from({ length: count }, (_, i) => i * everyMs);
}

/** Clusters of 1 to 6 simultaneous requests, exponential gaps with the given mean between clusters. */
function clustered(seed, count, meanGapMs) {
  const random = seeded(seed);
  const offsets = [];
  let at = 0;
  while (offsets.length < count) {
    const size = 1 + Math.floor(random() * 6);
    for (let i = 0; i < size && offsets.length < count; i++) offsets.push(Math.round(at));
    at += -Math.log(1 - random()) * meanGapMs;
  }
  return offsets;
}

const PATTERNS = [
  { name: 'simultaneous-30', description: '30 requests at once', offsets: Array(30).fill(0) },
  { name: 'even-150ms', description: '20 requests every 150 ms (below the rate)', offsets: evenly(20, 150) },
  { name: 'even-100ms', description: '30 requests every 100 ms (at the rate)', offsets: evenly(30, 100) },
  { name: 'even-80ms', description: '30 requests every 80 ms (a little above the rate)', offsets: evenly(30, 80) },
  { name: 'even-50ms', description: '40 requests every 50 ms (twice the rate)', offsets: evenly(40, 50) },
  {
    name: 'burst-pause-burst',
    description: '10 at once, 10 more at 700 ms, 10 more at 1000 ms',
    offsets: [...Array(10).fill(0), ...Array(10).fill(700), ...Array(10).fill(1000)],
  },
  { name: 'clustered-seed-1', description: 'clusters of 1-6, mean gap 250 ms, seed 1', offsets: clustered(1, 60, 250) },
  { name: 'clustered-seed-7', description: 'clusters of 1-6, mean gap 150 ms, seed 7', offsets: clustered(7, 60, 150) },
  { name: 'clustered-seed-42', description: 'clusters of 1-6, mean gap 400 ms, seed 42', offsets: clustered(42, 60, 400) },
];

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNginx(prefix, port) {
  const template = await readFile(new URL('./nginx-traces.conf.template', import.meta.url), 'utf8');
  const conf = template.replaceAll('{{PORT}}', String(port)).replaceAll('{{KEEPALIVE_SECONDS}}', String(KEEPALIVE_SECONDS));
  for (const dir of ['logs', 'tmp', ...CONFIGS.map((c) => join('html', c.name))]) await mkdir(join(prefix, dir), { recursive: true });
  for (const c of CONFIGS) await writeFile(join(prefix, 'html', c.name, 'ok'), 'ok\n');
  await writeFile(join(prefix, 'nginx.conf'), conf);
  const child = spawn(args.nginx, ['-p', `${prefix}/`, '-c', 'nginx.conf', '-e', 'logs/startup.log'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) return { child, exited };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not start on 127.0.0.1:${port} (see ${prefix}/logs)`);
}

function openSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends one request on an open connection; resolves with the status and the time to the first byte. */
function exchange(socket, path, key, seq) {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    socket.once('data', (chunk) => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1]);
      resolve({ status, responseMs: performance.now() - sentAt });
      socket.destroy();
    });
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Trace-Key: ${key}\r\nX-Trace-Seq: ${seq}\r\n\r\n`);
  });
}

/** Fires one pattern at every configuration at the same moments. */
async function firePattern(port, pattern, runId) {
  const jobs = [];
  for (const config of CONFIGS) {
    const key = `${runId}-${config.name}-${pattern.name}`;
    const sockets = await Promise.all(pattern.offsets.map(() => openSocket(port)));
    jobs.push({ config, key, sockets });
  }
  await sleep(100); // let nginx accept every connection before the first request
  const groups = new Map();
  pattern.offsets.forEach((offset, seq) => groups.set(offset, [...(groups.get(offset) ?? []), seq]));
  const start = performance.now();
  const responses = [];
  for (const [offset, seqs] of [...groups].sort((a, b) => a[0] - b[0])) {
    const wait = start + offset - performance.now();
    if (wait > 0) await sleep(wait);
    for (const seq of seqs) {
      for (const job of jobs) {
        const sentAtMs = performance.now() - start;
        responses.push(
          exchange(job.sockets[seq], `/${job.config.name}/ok`, job.key, seq).then((r) => ({ ...r, key: job.key, seq, sentAtMs })),
        );
      }
    }
  }
  return Promise.all(responses);
}

const LIMIT_REQ = /\*(\d+) limit_req\[0\]: (-?\d+) (\d+)\.(\d{3})/;
const TIMER_ADD = /\*(\d+) event timer add: \d+: (\d+):(\d+)/;

/** Per connection: nginx's excess, its place in nginx's processing order, and its clock at the decision. */
function parseDebugLog(text) {
  const byConnection = new Map();
  let order = 0;
  for (const line of text.split('\n')) {
    const decided = LIMIT_REQ.exec(line);
    if (decided) {
      const [, connection, rc, whole, milli] = decided;
      byConnection.set(connection, { order: order++, rc: Number(rc), excess: Number(whole) * 1000 + Number(milli), timers: [] });
      continue;
    }
    const timer = TIMER_ADD.exec(line);
    if (timer) {
      const entry = byConnection.get(timer[1]);
      if (entry) entry.timers.push({ delay: Number(timer[2]), expiry: Number(timer[3]) });
    }
  }
  return byConnection;
}

function parseAccessLog(text) {
  const byKeyAndSeq = new Map();
  for (const line of text.trim().split('\n')) {
    const [connection, msec, requestTime, status, limitReqStatus, key, seq] = line.split(' ');
    byKeyAndSeq.set(`${key}#${seq}`, {
      connection,
      requestTimeMs: Math.round(Number(requestTime) * 1000),
      status: Number(status),
      outcome: limitReqStatus,
      msec: Number(msec),
    });
  }
  return byKeyAndSeq;
}

/** nginx's clock when it decided: from the first timer it set in that same event loop turn. */
function decisionClock(entry, outcome) {
  const [first] = entry.timers;
  if (!first) throw new Error('no timer after the limit_req decision');
  if (outcome === 'DELAYED') {
    if (first.delay === KEEPALIVE_MS || first.delay === CLIENT_HEADER_TIMEOUT_MS) throw new Error('a delayed request set no delay timer');
    return { nowMs: first.expiry - first.delay, delayMs: first.delay };
  }
  if (first.delay !== KEEPALIVE_MS) throw new Error(`expected the keepalive timer, found a ${first.delay} ms timer`);
  return { nowMs: first.expiry - first.delay, delayMs: 0 };
}

/** Pretty JSON with one request per line, so that the traces stay small and diff well. */
function formatTrace(trace) {
  const { patterns, ...head } = trace;
  const headJson = JSON.stringify(head, null, 2);
  const patternsJson = patterns
    .map(({ requests, ...rest }) => {
      const lines = requests.map((r) => `      ${JSON.stringify(r)}`).join(',\n');
      const fields = JSON.stringify(rest).slice(1, -1);
      return `    {${fields},\n     "requests": [\n${lines}\n     ]}`;
    })
    .join(',\n');
  return `${headJson.slice(0, -2)},\n  "patterns": [\n${patternsJson}\n  ]\n}\n`;
}

async function main() {
  const prefix = await mkdtemp(join(tmpdir(), 'nginx-traces-'));
  const port = await freePort();
  const runId = `r${Date.now().toString(36)}`;
  const { child, exited } = await startNginx(prefix, port);
  const fired = new Map();
  try {
    for (const pattern of PATTERNS) {
      process.stdout.write(`firing ${pattern.name} (${pattern.offsets.length} requests per configuration)\n`);
      fired.set(pattern.name, await firePattern(port, pattern, runId));
      await sleep(200);
    }
  } finally {
    child.kill('SIGQUIT');
    await exited;
  }

  const access = parseAccessLog(await readFile(join(prefix, 'logs', 'access.log'), 'utf8'));
  const debug = parseDebugLog(await readFile(join(prefix, 'logs', 'debug.log'), 'utf8'));
  const version = /nginx\/[\d.]+/.exec(await readFile(join(prefix, 'logs', 'debug.log'), 'utf8'))?.[0] ?? 'nginx';

  await mkdir(args.out, { recursive: true });
  for (const config of CONFIGS) {
    const patterns = [];
    for (const pattern of PATTERNS) {
      const responses = fired.get(pattern.name).filter((r) => r.key.endsWith(`-${config.name}-${pattern.name}`));
      const requests = responses.map((response) => {
        const logged = access.get(`${response.key}#${response.seq}`);
        if (!logged) throw new Error(`no access log line for ${response.key} #${response.seq}`);
        const entry = debug.get(logged.connection);
        if (!entry) throw new Error(`no limit_req debug line for connection ${logged.connection}`);
        if (logged.status !== response.status) throw new Error(`status mismatch for ${response.key} #${response.seq}`);
        const { nowMs, delayMs } = decisionClock(entry, logged.outcome);
        return {
          seq: response.seq,
          order: entry.order,
          sentAtMs: Math.round(response.sentAtMs * 10) / 10,
          nowMs,
          outcome: logged.outcome,
          status: logged.status,
          excess: entry.excess,
          delayMs,
          requestTimeMs: logged.requestTimeMs,
          responseMs: Math.round(response.responseMs * 10) / 10,
        };
      });
      requests.sort((a, b) => a.order - b.order);
      const origin = requests[0].nowMs;
      patterns.push({
        name: pattern.name,
        description: pattern.description,
        // nginx's clock relative to the pattern's first decision, in nginx's processing order.
        requests: requests.map(({ order: _order, nowMs, ...rest }) => ({ atMs: nowMs - origin, ...rest })),
      });
    }
    const trace = {
      recordedWith: version,
      recordedBy: 'packages/gateway/scripts/record-nginx-traces.mjs',
      config: config.nginx,
      rule: config.rule,
      fields: {
        atMs: "nginx's millisecond clock (ngx_current_msec) at the decision, relative to the pattern's first one",
        seq: 'index of the request in the arrival pattern',
        sentAtMs: 'client send time relative to the pattern start',
        outcome: '$limit_req_status',
        excess: "nginx's excess in milli-requests (debug log), for rejected requests the level it would have reached",
        delayMs: 'the delay nginx applied (its limit_req timer), 0 when not delayed',
        requestTimeMs: '$request_time',
        responseMs: 'client-measured time to the first response byte',
      },
      patterns,
    };
    const file = join(args.out, `${config.name}.json`);
    await writeFile(file, formatTrace(trace));
    const counts = patterns.flatMap((p) => p.requests).reduce((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
    process.stdout.write(`wrote ${file}: ${JSON.stringify(counts)}\n`);
  }
  await rm(prefix, { recursive: true, force: true });
}

await main();
