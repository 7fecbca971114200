// The request firewall as the gateway's HTTP server calls it:
//   1. inspectRequest(view, config) before proxying: IP rules, protocol checks (hard refusals with
//      their natural status, whatever the mode), then signatures on the path and query (403 when
//      the anomaly score reaches the threshold in `block` mode; reported but passed in `detect`
//      mode; skipped in `off` mode). It also reads a body's Content-Type and Content-Encoding
//      (body-format.ts): a body announced in a way upstreams read differently is refused (block)
//      or reported (detect) before it is read;
//   2. when shouldInspectBody() says so, the server buffers the body (up to bodyBufferLimit()) and
//      calls inspectBody(contentType, body, config, firstVerdict, contentEncoding) so URL and body
//      findings add up. Compressed form, JSON and multipart bodies are refused (compressedBodies
//      "refuse", the default) or inspected decompressed ("inspect"; content-coding.ts).
// Form and JSON bodies larger than `bodyInspectionLimitBytes`, other content types and chunked form
// and JSON bodies beyond the limit are streamed to the upstream uninspected; maxBodyBytes still
// bounds them (413). Multipart bodies are buffered up to min(maxBodyBytes, multipartBufferBytes)
// (longer ones are refused, 920402): `multipartNonFileLimitBytes` applies to what is not file
// content (multipart-targets.ts).

import { bodyFormat, type BodyFormatProblem, type BodyKind } from './body-format.js';
import { formTargets, jsonTargets, rawBodyTarget, type BodyTargets } from './body-targets.js';
import { decodeForInspection } from './content-coding.js';
import { IpRules, type IpRulesOptions } from './ip-rules.js';
import { multipartTargets, type MultipartProblem } from './multipart-targets.js';
import { checkProtocol, DEFAULT_PROTOCOL_LIMITS, PROTOCOL_RULES, type ProtocolLimits, type RefusalStatus, type RequestView } from './protocol-checks.js';
import { scoreTargets, strongestFirst, type InspectionTarget, type SignatureMatch } from './signatures.js';

export type FirewallMode = 'block' | 'detect' | 'off';

/** What to do with a compressed form, JSON or multipart body: refuse it, or inspect it decompressed (streams with bytes that decoding skips refused). */
export type CompressedBodies = 'refuse' | 'inspect';

/** Firewall settings as written in the configuration file (every key optional). */
export interface FirewallOptions {
  mode?: FirewallMode;
  /** Inbound anomaly score that refuses a request (CRS default 5: one critical match). */
  anomalyThreshold?: number;
  ipRules?: IpRulesOptions;
  protocol?: Partial<ProtocolLimits>;
  /** Largest form or JSON body buffered for inspection (larger ones stream uninspected). */
  bodyInspectionLimitBytes?: number;
  /** Largest multipart body buffered for inspection (with maxBodyBytes; longer ones are refused, 920402). */
  multipartBufferBytes?: number;
  /** Most bytes of a multipart body outside its files (more is refused, 920401). */
  multipartNonFileLimitBytes?: number;
  /** Compressed form, JSON and multipart bodies: refused (default, 920423) or inspected decompressed. */
  compressedBodies?: CompressedBodies;
  /** Deepest JSON nesting inspected. */
  jsonMaxDepth?: number;
  /** Most form fields, multipart parts, or JSON keys and strings inspected in one body. */
  maxBodyTargets?: number;
  /** Most parts of a multipart body, counted before busboy parses it (each part costs it a header parse). */
  maxMultipartParts?: number;
}

/** Compiled, validated settings; build once per configuration (load or reload), share across requests. */
export interface FirewallConfig {
  readonly mode: FirewallMode;
  readonly anomalyThreshold: number;
  readonly ipRules: IpRules;
  readonly protocol: Readonly<ProtocolLimits>;
  readonly bodyInspectionLimitBytes: number;
  readonly multipartBufferBytes: number;
  readonly multipartNonFileLimitBytes: number;
  readonly compressedBodies: CompressedBodies;
  readonly jsonMaxDepth: number;
  readonly maxBodyTargets: number;
  readonly maxMultipartParts: number;
}

export const DEFAULT_FIREWALL_OPTIONS = Object.freeze({
  mode: 'block' as FirewallMode,
  anomalyThreshold: 5,
  bodyInspectionLimitBytes: 65536,
  multipartBufferBytes: 8 * 1024 * 1024,
  multipartNonFileLimitBytes: 131072,
  compressedBodies: 'refuse' as CompressedBodies,
  jsonMaxDepth: 32,
  maxBodyTargets: 2048,
  maxMultipartParts: 200,
});

/** A refused IP address (deny list, or outside a non-empty allow list). */
export const IP_RULES = Object.freeze({
  denied: { id: 910100, status: 403, message: 'Client address is in the deny list' },
  notAllowed: { id: 910110, status: 403, message: 'Client address is not in the allow list' },
} as const);

/**
 * Bodies the firewall could not inspect completely, or that parsers may read differently: refused in
 * block mode, reported and passed in detect mode.
 */
export const BODY_RULES = Object.freeze({
  beyondInspectionBounds: { id: 920600, status: 403, message: 'Request body beyond the inspection bounds (jsonMaxDepth, maxBodyTargets, maxMultipartParts)' },
  malformedMultipart: { id: 920140, status: 400, message: 'Multipart body that does not parse strictly' },
  multipartTooLarge: { id: 920402, status: 413, message: 'Multipart body longer than the multipart buffer (multipartBufferBytes, maxBodyBytes)' },
  multipartFieldsTooLarge: { id: 920401, status: 413, message: 'Multipart body with more than multipartNonFileLimitBytes outside its files' },
  unsupportedCoding: { id: 920420, status: 415, message: 'Content-Encoding other than gzip, deflate or br on an inspected body' },
  undecodable: { id: 920421, status: 400, message: 'Compressed body that does not decompress' },
  decodedTooLarge: { id: 920422, status: 413, message: 'Compressed body that decompresses past 100:1 or past the multipart buffer' },
  compressedBody: { id: 920423, status: 415, message: 'Compressed form, multipart or JSON body (upstreams parse the bytes as sent; waf.compressedBodies is "refuse")' },
  gzipHeaderText: { id: 920424, status: 400, message: 'Compressed body with bytes that decoding skips (gzip header text, a second member, trailing bytes, brotli)' },
  contentType: { id: 920470, status: 400, message: 'Content-Type of a form, multipart or JSON body that does not parse strictly' },
  charset: { id: 922100, status: 403, message: 'Body or multipart part in a charset other than UTF-8, ASCII or Latin-1' },
  multipartTransferEncoding: { id: 922120, status: 403, message: 'Multipart part with a Content-Transfer-Encoding' },
} as const satisfies Record<string, { id: number; status: RefusalStatus; message: string }>);

const MULTIPART_RULES: Readonly<Record<MultipartProblem, BodyRule>> = {
  malformed: BODY_RULES.malformedMultipart,
  charset: BODY_RULES.charset,
  'transfer-encoding': BODY_RULES.multipartTransferEncoding,
  'too-many-parts': BODY_RULES.beyondInspectionBounds,
  'too-large': BODY_RULES.multipartFieldsTooLarge,
};

const BODY_FORMAT_RULES: Readonly<Record<BodyFormatProblem, BodyRule>> = {
  'content-type': BODY_RULES.contentType,
  charset: BODY_RULES.charset,
  multipart: BODY_RULES.malformedMultipart,
  'content-coding': BODY_RULES.unsupportedCoding,
};

type BodyRule = (typeof BODY_RULES)[keyof typeof BODY_RULES];

/** A finding: a signature match, or the protocol/IP rule that refused the request. */
export interface FirewallMatch {
  readonly ruleId: number;
  readonly score: number;
  readonly target: string;
  readonly message: string;
  /** The matched text (signatures only). */
  readonly matched?: string;
}

export interface PassVerdict {
  readonly action: 'pass';
  /** Anomaly score below the threshold (0 when nothing matched); carried into inspectBody. */
  readonly score: number;
  readonly matches: readonly FirewallMatch[];
  /** Why a body was not inspected (inspectBody only). */
  readonly bodySkipped?: 'mode-off' | 'too-large' | 'unsupported-type';
  /** True when the body walk hit its depth or count bound. */
  readonly bodyTruncated?: boolean;
}

export interface RefusalVerdict {
  /** `block`: answer `status` now. `detect`: log it, then pass the request on (signature findings in detect mode only). */
  readonly action: 'block' | 'detect';
  readonly status: RefusalStatus;
  /** The rule that decided: the refusing protocol/IP rule, or the strongest signature match. */
  readonly ruleId: number;
  readonly message: string;
  readonly score: number;
  readonly matches: readonly FirewallMatch[];
}

export type FirewallVerdict = PassVerdict | RefusalVerdict;

export class FirewallConfigError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`${key}: ${reason}`);
    this.name = 'FirewallConfigError';
  }
}

function positiveInteger(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new FirewallConfigError(key, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function cidrList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new FirewallConfigError(key, 'must be a list of CIDR strings');
  }
  return value as string[];
}

/**
 * Validates and compiles firewall options. `keyPrefix` names the options' place in the
 * configuration file, so errors name the bad key ("routes[0].waf.mode: must be one of …").
 */
export function compileFirewallConfig(options: FirewallOptions = {}, keyPrefix = 'waf'): FirewallConfig {
  const key = (name: string) => `${keyPrefix}.${name}`;
  const mode = options.mode ?? DEFAULT_FIREWALL_OPTIONS.mode;
  if (mode !== 'block' && mode !== 'detect' && mode !== 'off') {
    throw new FirewallConfigError(key('mode'), `must be one of "block", "detect", "off", got ${JSON.stringify(mode)}`);
  }
  const compressedBodies = options.compressedBodies ?? DEFAULT_FIREWALL_OPTIONS.compressedBodies;
  if (compressedBodies !== 'refuse' && compressedBodies !== 'inspect') {
    throw new FirewallConfigError(key('compressedBodies'), `must be one of "refuse", "inspect", got ${JSON.stringify(compressedBodies)}`);
  }
  const protocolInput = options.protocol ?? {};
  const methods = protocolInput.allowedMethods ?? DEFAULT_PROTOCOL_LIMITS.allowedMethods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string' && /^[A-Z]{1,20}$/.test(m))) {
    throw new FirewallConfigError(key('protocol.allowedMethods'), 'must be a non-empty list of upper-case method names');
  }
  const defaults = DEFAULT_PROTOCOL_LIMITS;
  const protocol: ProtocolLimits = Object.freeze({
    allowedMethods: Object.freeze([...methods]),
    maxUrlLength: positiveInteger(protocolInput.maxUrlLength, key('protocol.maxUrlLength'), defaults.maxUrlLength),
    maxHeaderCount: positiveInteger(protocolInput.maxHeaderCount, key('protocol.maxHeaderCount'), defaults.maxHeaderCount),
    maxHeaderBytes: positiveInteger(protocolInput.maxHeaderBytes, key('protocol.maxHeaderBytes'), defaults.maxHeaderBytes),
    maxArgs: positiveInteger(protocolInput.maxArgs, key('protocol.maxArgs'), defaults.maxArgs),
    maxArgLength: positiveInteger(protocolInput.maxArgLength, key('protocol.maxArgLength'), defaults.maxArgLength),
    maxBodyBytes: positiveInteger(protocolInput.maxBodyBytes, key('protocol.maxBodyBytes'), defaults.maxBodyBytes),
  });
  const ipInput = options.ipRules ?? {};
  let ipRules: IpRules;
  try {
    const allow = cidrList(ipInput.allow, key('ipRules.allow'));
    const deny = cidrList(ipInput.deny, key('ipRules.deny'));
    ipRules = new IpRules({ ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) });
  } catch (error) {
    if (error instanceof FirewallConfigError) throw error;
    throw new FirewallConfigError(key('ipRules'), (error as Error).message);
  }
  return Object.freeze({
    mode,
    anomalyThreshold: positiveInteger(options.anomalyThreshold, key('anomalyThreshold'), DEFAULT_FIREWALL_OPTIONS.anomalyThreshold),
    ipRules,
    protocol,
    bodyInspectionLimitBytes: positiveInteger(options.bodyInspectionLimitBytes, key('bodyInspectionLimitBytes'), DEFAULT_FIREWALL_OPTIONS.bodyInspectionLimitBytes),
    multipartBufferBytes: positiveInteger(options.multipartBufferBytes, key('multipartBufferBytes'), DEFAULT_FIREWALL_OPTIONS.multipartBufferBytes),
    multipartNonFileLimitBytes: positiveInteger(
      options.multipartNonFileLimitBytes,
      key('multipartNonFileLimitBytes'),
      DEFAULT_FIREWALL_OPTIONS.multipartNonFileLimitBytes,
    ),
    compressedBodies,
    jsonMaxDepth: positiveInteger(options.jsonMaxDepth, key('jsonMaxDepth'), DEFAULT_FIREWALL_OPTIONS.jsonMaxDepth),
    maxBodyTargets: positiveInteger(options.maxBodyTargets, key('maxBodyTargets'), DEFAULT_FIREWALL_OPTIONS.maxBodyTargets),
    maxMultipartParts: positiveInteger(options.maxMultipartParts, key('maxMultipartParts'), DEFAULT_FIREWALL_OPTIONS.maxMultipartParts),
  });
}

const PASS_CLEAN: PassVerdict = Object.freeze({ action: 'pass', score: 0, matches: Object.freeze([]) as readonly FirewallMatch[] });

function hardRefusal(status: RefusalStatus, ruleId: number, message: string, target: string): RefusalVerdict {
  return { action: 'block', status, ruleId, message, score: 5, matches: [{ ruleId, score: 5, target, message }] };
}

function toFirewallMatch(match: SignatureMatch): FirewallMatch {
  return { ruleId: match.ruleId, score: match.score, target: match.target, message: match.description, matched: match.matched };
}

/** What an earlier inspection of the same request found (inspectRequest's verdict). */
export interface EarlierFindings {
  readonly score: number;
  readonly matches: readonly FirewallMatch[];
}

function signatureVerdict(
  targets: Iterable<InspectionTarget>,
  config: FirewallConfig,
  earlier: EarlierFindings,
  extra: Pick<PassVerdict, 'bodyTruncated'> = {},
): FirewallVerdict {
  const seen = new Set(earlier.matches.map((m) => m.ruleId));
  const found = scoreTargets(targets, seen);
  const score = earlier.score + found.score;
  if (score === 0) return extra.bodyTruncated ? { ...PASS_CLEAN, ...extra } : PASS_CLEAN;
  const matches = [...earlier.matches, ...found.matches.map(toFirewallMatch)].sort(strongestFirst);
  if (score < config.anomalyThreshold) return { action: 'pass', score, matches, ...extra };
  const strongest = matches[0] as FirewallMatch;
  return {
    action: config.mode === 'block' ? 'block' : 'detect',
    status: 403,
    ruleId: strongest.ruleId,
    message: `${strongest.message} in ${strongest.target} (anomaly score ${score} >= ${config.anomalyThreshold})`,
    score,
    matches,
  };
}

function* urlTargets(path: string, args: readonly { name: string; value: string }[]): Generator<InspectionTarget> {
  yield { name: 'path', value: path, plusAsSpace: false };
  for (const arg of args) {
    yield { name: 'query-name', value: arg.name, plusAsSpace: true };
    yield { name: `query:${arg.name}`, value: arg.value, plusAsSpace: true };
  }
}

/**
 * A body past maxBodyBytes found while buffering it (chunked, so not refused from its declared
 * length): refused like a declared one (920400), in every mode.
 */
export function bodyTooLarge(config: FirewallConfig): RefusalVerdict {
  const rule = PROTOCOL_RULES.bodyTooLarge;
  return hardRefusal(rule.status, rule.id, `${rule.message}: more than ${config.protocol.maxBodyBytes} bytes`, 'body');
}

/**
 * Decides on a request from its method, target and headers (no body). Pure and synchronous. A
 * request with a body whose Content-Type or Content-Encoding upstreams may read differently from
 * the inspection (body-format.ts) is refused here in block mode, before the body is read, and
 * reported in detect mode.
 */
export function inspectRequest(view: RequestView, config: FirewallConfig): FirewallVerdict {
  if (!config.ipRules.isEmpty) {
    const decision = config.ipRules.decide(view.clientAddress);
    if (decision === 'deny') return hardRefusal(IP_RULES.denied.status, IP_RULES.denied.id, IP_RULES.denied.message, 'client-address');
    if (decision === 'not-allowed') return hardRefusal(IP_RULES.notAllowed.status, IP_RULES.notAllowed.id, IP_RULES.notAllowed.message, 'client-address');
  }
  const protocol = checkProtocol(view, config.protocol);
  if (!protocol.ok) {
    const { status, ruleId, message, target } = protocol.refusal;
    return hardRefusal(status, ruleId, message, target);
  }
  if (config.mode === 'off') return PASS_CLEAN;
  const { target, args, bodyHeaders } = protocol;
  const verdict = target.form === 'asterisk' ? PASS_CLEAN : signatureVerdict(urlTargets(target.path, args), config, PASS_CLEAN);
  if (!view.hasBody || verdict.action === 'block') return verdict;
  const format = bodyFormat(bodyHeaders.contentType, bodyHeaders.contentEncoding);
  if (!format.ok) return bodyRuleVerdict(BODY_FORMAT_RULES[format.problem], format.reason, verdict, config);
  if (format.kind === null) return verdict;
  // Refused before a byte of it is read or decompressed: the upstream would parse the bytes as sent.
  if (format.coding !== 'identity' && config.compressedBodies === 'refuse') {
    return bodyRuleVerdict(BODY_RULES.compressedBody, `Content-Encoding ${format.coding}`, verdict, config);
  }
  if (format.kind === 'multipart' && view.contentLength !== undefined && view.contentLength > bufferLimit('multipart', config)) {
    return multipartTooLarge(config, verdict, `Content-Length ${view.contentLength}`);
  }
  return verdict;
}

/**
 * A multipart body longer than min(maxBodyBytes, multipartBufferBytes), which is not buffered:
 * refused (413, 920402) in block mode; in detect mode reported and streamed on uninspected.
 */
export function multipartTooLarge(config: FirewallConfig, earlier: EarlierFindings = PASS_CLEAN, reason?: string): RefusalVerdict {
  return bodyRuleVerdict(BODY_RULES.multipartTooLarge, reason ?? `more than ${bufferLimit('multipart', config)} bytes`, earlier, config);
}

/** How much of a body of this kind the server buffers: multipart up to min(maxBodyBytes, multipartBufferBytes) (files do not count against the inspection limit). */
function bufferLimit(kind: BodyKind, config: FirewallConfig): number {
  return kind === 'multipart' ? Math.min(config.protocol.maxBodyBytes, config.multipartBufferBytes) : config.bodyInspectionLimitBytes;
}

/**
 * How many bytes of this body the server buffers for inspectBody: min(maxBodyBytes,
 * multipartBufferBytes) for multipart bodies, bodyInspectionLimitBytes for the others (0 when it is
 * not inspected). A chunked multipart body that does not end within it is refused (bodyTooLarge or
 * multipartTooLarge); a form or JSON one streams on uninspected.
 */
export function bodyBufferLimit(contentType: string | undefined, config: FirewallConfig, contentEncoding?: string): number {
  if (config.mode === 'off') return 0;
  const format = bodyFormat(contentType, contentEncoding);
  return format.ok && format.kind !== null ? bufferLimit(format.kind, config) : 0;
}

/**
 * Whether the server should buffer this body for inspectBody: signatures are on, the type is a form,
 * multipart or JSON body whose headers inspectRequest accepted, and the declared length is within
 * bodyBufferLimit. With chunked bodies (no Content-Length) the server buffers up to that limit.
 */
export function shouldInspectBody(contentType: string | undefined, contentLength: number | undefined, config: FirewallConfig, contentEncoding?: string): boolean {
  const limit = bodyBufferLimit(contentType, config, contentEncoding);
  return limit > 0 && (contentLength === undefined || contentLength <= limit);
}

const UTF8 = new TextDecoder('utf-8');

function skipped(earlier: EarlierFindings, reason: NonNullable<PassVerdict['bodySkipped']>): PassVerdict {
  return { action: 'pass', score: earlier.score, matches: earlier.matches, bodySkipped: reason };
}

/**
 * Decides on a buffered request body. `earlier` is inspectRequest's verdict for the same request
 * (a pass, or a detection in detect mode), so the URL's and the body's findings make one anomaly
 * score and each rule counts once. A skipped body passes with the earlier findings. The body's
 * headers are checked again (inspectRequest refused them already when it saw them), and a
 * compressed body is refused (compressedBodies "refuse") or, with "inspect", inspected both as sent
 * and decompressed (gzip header text refused, 920424; decoding bounded at 100:1, 920422).
 */
export function inspectBody(
  contentType: string | undefined,
  body: Uint8Array,
  config: FirewallConfig,
  earlier: EarlierFindings = PASS_CLEAN,
  contentEncoding?: string,
): FirewallVerdict {
  if (config.mode === 'off') return skipped(earlier, 'mode-off');
  const format = bodyFormat(contentType, contentEncoding);
  if (!format.ok) return bodyRuleVerdict(BODY_FORMAT_RULES[format.problem], format.reason, earlier, config);
  const { kind } = format;
  if (kind === null) return skipped(earlier, 'unsupported-type');
  const limit = bufferLimit(kind, config);
  if (body.byteLength > limit) return skipped(earlier, 'too-large');
  const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (format.coding === 'identity') return inspectKind(kind, buffer, format.boundary, config, earlier);
  // Refused by inspectRequest already in block mode; in detect mode inspected as with "inspect".
  if (config.compressedBodies === 'refuse' && config.mode === 'block') {
    return bodyRuleVerdict(BODY_RULES.compressedBody, `Content-Encoding ${format.coding}`, earlier, config);
  }
  const decoded = decodeForInspection(buffer, format.coding, limit);
  if (!decoded.ok) {
    // A form or JSON body that decompresses past the inspection limit (within 100:1) is treated like
    // an uncompressed one past it: forwarded uninspected.
    if (decoded.problem === 'too-large' && kind !== 'multipart') return skipped(earlier, 'too-large');
    const rule = decoded.problem === 'hidden-bytes' ? BODY_RULES.gzipHeaderText : decoded.problem === 'undecodable' ? BODY_RULES.undecodable : BODY_RULES.decodedTooLarge;
    return bodyRuleVerdict(rule, decoded.reason, earlier, config);
  }
  return inspectKind(kind, decoded.body, format.boundary, config, earlier);
}

/** Targets and signatures of a body of a known kind (decoded, or as sent). */
function inspectKind(kind: BodyKind, buffer: Buffer, boundary: string | undefined, config: FirewallConfig, earlier: EarlierFindings): FirewallVerdict {
  let extracted: BodyTargets;
  if (kind === 'multipart') {
    const multipart = multipartTargets(buffer, boundary!, {
      maxParts: Math.min(config.maxMultipartParts, config.maxBodyTargets),
      maxNonFileBytes: config.multipartNonFileLimitBytes,
    });
    if (!multipart.ok) return bodyRuleVerdict(MULTIPART_RULES[multipart.problem], multipart.reason, earlier, config);
    return signaturesWithin(multipart, config, earlier);
  }
  const text = UTF8.decode(buffer);
  if (kind === 'form') {
    extracted = formTargets(text, config.maxBodyTargets);
  } else {
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    extracted = valid
      ? jsonTargets(text, { maxDepth: config.jsonMaxDepth, maxTargets: config.maxBodyTargets })
      : { targets: [rawBodyTarget(text)], truncated: false };
  }
  return signaturesWithin(extracted, config, earlier);
}

/**
 * Signatures on a body's targets. A body cut short by jsonMaxDepth or maxBodyTargets hides what
 * lies past the bounds: it is refused in block mode (an attack could simply nest deeper or pad with
 * fields), reported in detect mode.
 */
function signaturesWithin(extracted: BodyTargets, config: FirewallConfig, earlier: EarlierFindings): FirewallVerdict {
  const verdict = signatureVerdict(extracted.targets, config, earlier, extracted.truncated ? { bodyTruncated: true } : {});
  if (!extracted.truncated || verdict.action === 'block') return verdict;
  return bodyRuleVerdict(BODY_RULES.beyondInspectionBounds, undefined, verdict, config);
}

/** A body rule's finding on top of `earlier`: refused in block mode, reported in detect mode. */
function bodyRuleVerdict(rule: BodyRule, reason: string | undefined, earlier: EarlierFindings, config: FirewallConfig): RefusalVerdict {
  const message = reason === undefined ? rule.message : `${rule.message}: ${reason}`;
  const match: FirewallMatch = { ruleId: rule.id, score: config.anomalyThreshold, target: 'body', message };
  return {
    action: config.mode === 'block' ? 'block' : 'detect',
    status: rule.status,
    ruleId: rule.id,
    message,
    score: earlier.score + config.anomalyThreshold,
    matches: [match, ...earlier.matches],
  };
}

/** The fields of the one structured log line the server writes per refusal or detection. */
export function firewallLogFields(verdict: RefusalVerdict): Record<string, unknown> {
  return {
    waf: {
      action: verdict.action,
      status: verdict.status,
      ruleId: verdict.ruleId,
      score: verdict.score,
      rules: verdict.matches.map((m) => ({ id: m.ruleId, target: m.target, ...(m.matched !== undefined ? { matched: m.matched } : {}) })),
    },
    msg: verdict.message,
  };
}
