// `node bench/dist/tracing-overhead.js`: the gateway's throughput with tracing off (no OTLP endpoint:
// trace context only propagated) and on (every request a server and a client span, exported over
// OTLP/HTTP to a receiver on loopback that discards them). The gateway (its bin, WAF block, memory
// store, one never-triggering rate limit) runs on core 0; the upstream, autocannon and the receiver
// on core 1. Rounds alternate the order; the figures are medians. Writes the "Tracing overhead"
// section of docs/benchmarks.md (not yet part of `npm run bench`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './lib/child-processes.js';
import { pinnedCommand, pinThisProcessToLoadGeneratorCore, SERVER_CORE } from './lib/cpu-pinning.js';
import { runHttpLoad, type LoadResult } from './lib/http-load.js';
import { DOCS_DIR, GATEWAY_BIN } from './lib/paths.js';
import { gatewayConfig, startJsonUpstream } from './lib/proxy-processes.js';
import { median, round } from './lib/stats.js';
import { benchTempDir, cleanEnvironment } from './lib/tokendealer-process.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const DOCS = join(DOCS_DIR, 'benchmarks.md');
const SECTION_START = '<!-- tracing-overhead:start -->';
const SECTION_END = '<!-- tracing-overhead:end -->';

type Variant = 'off' | 'on';

async function main(): Promise<void> {
  pinThisProcessToLoadGeneratorCore();
  // Other work on the machine moves req/s a lot: its load is reported with the figures.
  const loadBefore = loadavg()[0]!;
  const dir = benchTempDir();
  let spansReceived = 0;
  const receiver = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      spansReceived += bytes > 0 ? 1 : 0;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const upstream = await startJsonUpstream();
  const gateways: Record<Variant, ServerProcess> = {
    off: await startGatewayWith('off', upstream.url, dir, {}),
    on: await startGatewayWith('on', upstream.url, dir, { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl }),
  };
  const request = (variant: Variant) => ({ url: `${gateways[variant].url}/api/runs/42?fields=id,status`, method: 'GET' as const, headers: { accept: 'application/json', 'user-agent': 'bench' } });
  try {
    for (const variant of ['off', 'on'] as const) await runHttpLoad(request(variant), gateways[variant].pid, { connections: CONNECTIONS, durationSeconds: 3 });
    const runs: { round: number; variant: Variant; result: LoadResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order: Variant[] = round % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      for (const variant of order) {
        const result = await runHttpLoad(request(variant), gateways[variant].pid, { connections: CONNECTIONS, durationSeconds: SECONDS });
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        runs.push({ round, variant, result });
        console.log(`round ${round} ${variant}: ${round0(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ${result.serverCpuMicrosecondsPerRequest?.toFixed(0)} µs CPU/request`);
      }
    }
    writeSection(runs, spansReceived, loadBefore);
  } finally {
    await Promise.all([gateways.off.stop(), gateways.on.stop(), upstream.stop()]);
    receiver.close();
  }
}

function startGatewayWith(name: Variant, upstreamUrl: string, dir: string, env: Record<string, string>): Promise<ServerProcess> {
  const configFile = join(dir, `gateway-${name}.json`);
  writeFileSync(configFile, `${JSON.stringify(gatewayConfig(upstreamUrl, { store: { type: 'memory' }, wafMode: 'block' }), null, 2)}\n`);
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [GATEWAY_BIN, '--config', configFile]);
  const base = Object.fromEntries(Object.entries(cleanEnvironment()).filter(([key]) => !key.startsWith('OTEL_')));
  return startServerProcess({ name: `gateway (tracing ${name})`, command, args, cwd: dir, env: { ...base, ...env }, readyLine: /^runnerly-gateway listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs: 20_000 });
}

const round0 = (value: number): string => Math.round(value).toLocaleString('en-US');

function writeSection(runs: { round: number; variant: Variant; result: LoadResult }[], exportPosts: number, loadBefore: number): void {
  const of = (variant: Variant) => runs.filter((run) => run.variant === variant).map((run) => run.result);
  const rps = (variant: Variant) => median(of(variant).map((r) => r.requestsPerSecond));
  const p99 = (variant: Variant) => median(of(variant).map((r) => r.latencyP99Ms));
  const cpu = (variant: Variant) => median(of(variant).map((r) => r.serverCpuMicrosecondsPerRequest ?? Number.NaN));
  const perRound = Array.from({ length: ROUNDS }, (_, i) => {
    const inRound = (variant: Variant) => runs.find((run) => run.round === i + 1 && run.variant === variant)!.result.requestsPerSecond;
    return inRound('on') / inRound('off');
  });
  const lines = [
    SECTION_START,
    '## Tracing overhead at the gateway (written by `node bench/dist/tracing-overhead.js`, not yet part of `npm run bench`)',
    '',
    `The gateway's bin (WAF block, memory store, one never-triggering rate limit, \`logLevel: warn\`) on core 0, the JSON upstream, autocannon (${CONNECTIONS} connections, no pipelining) and the OTLP receiver on core 1; \`GET /api/runs/42?fields=id,status\` without a traceparent. **Off**: no OTLP endpoint (each request gets fresh unsampled ids, forwarded as a traceparent; nothing recorded). **On**: \`OTEL_EXPORTER_OTLP_ENDPOINT\` set, every request a server span and a client span, batched and exported over OTLP/HTTP (JSON) to a loopback receiver that discards them (${exportPosts} export POSTs received). 3 s warm-up each, then ${ROUNDS} rounds of one ${SECONDS} s run per variant, the order alternating. Run on ${new Date().toISOString().slice(0, 10)} on the shared 2-core machine, its 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (other work took much of both cores: compare the variants with each other, not with the other sections' figures).`,
    '',
    '| tracing | median req/s | median p99 | median gateway CPU per request |',
    '| --- | --- | --- | --- |',
    ...(['off', 'on'] as const).map((variant) => `| ${variant} | ${round0(rps(variant))} | ${p99(variant)} ms | ${round(cpu(variant))} µs |`),
    '',
    `**On / off: ${round(rps('on') / rps('off'), 2)} of the requests/s** (medians); within each round: ${perRound.map((ratio) => round(ratio, 2)).join(', ')}, median ${round(median(perRound), 2)}. Gateway CPU per request on / off: ${round(cpu('on') / cpu('off'), 2)}. Off is the price of propagation alone (ids, the forwarded traceparent, the span made active for log lines); there is no build without that here to compare with.`,
    '',
    '```sh',
    'npm run build && node bench/dist/tracing-overhead.js   # BENCH_ROUNDS (5), BENCH_SECONDS (5)',
    '```',
    SECTION_END,
  ];
  const section = lines.join('\n');
  const markdown = readFileSync(DOCS, 'utf8');
  const start = markdown.indexOf(SECTION_START);
  const end = markdown.indexOf(SECTION_END);
  writeFileSync(DOCS, start >= 0 && end > start ? `${markdown.slice(0, start)}${section}${markdown.slice(end + SECTION_END.length)}` : `${markdown.replace(/\n*$/, '')}\n\n${section}\n`);
  console.log(section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
