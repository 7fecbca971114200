// The protocol refusals: ids, statuses and messages (listed in README.md), shared by the
// request-target resolution and the protocol checks.

export type RefusalStatus = 400 | 403 | 405 | 413 | 414 | 415 | 431;

/** Ids, statuses and messages of the protocol refusals. */
export const PROTOCOL_RULES = Object.freeze({
  methodNotAllowed: { id: 911100, status: 405, message: 'Method is not allowed' },
  badRequestTarget: { id: 920100, status: 400, message: 'Invalid request-target' },
  controlCharacter: { id: 920101, status: 400, message: 'Control character in request-target' },
  ambiguousPath: { id: 920120, status: 400, message: 'Path that upstreams may normalise differently' },
  invalidContentLength: { id: 920160, status: 400, message: 'Content-Length is not a number' },
  duplicateContentLength: { id: 920161, status: 400, message: 'Duplicate or conflicting Content-Length' },
  bodyOnGetOrHead: { id: 920170, status: 400, message: 'GET or HEAD request with a body' },
  contentLengthWithTransferEncoding: { id: 920181, status: 400, message: 'Both Content-Length and Transfer-Encoding (request smuggling)' },
  unsupportedTransferEncoding: { id: 920182, status: 400, message: 'Transfer-Encoding other than chunked' },
  nullByte: { id: 920270, status: 400, message: 'Null byte in URL' },
  missingHost: { id: 920280, status: 400, message: 'Missing Host header' },
  emptyHost: { id: 920290, status: 400, message: 'Empty Host header' },
  multipleHost: { id: 920291, status: 400, message: 'More than one Host header' },
  repeatedSingletonHeader: { id: 920292, status: 400, message: 'Repeated Content-Type or Authorization header' },
  urlTooLong: { id: 920311, status: 414, message: 'URL too long' },
  argTooLong: { id: 920370, status: 400, message: 'Query argument too long' },
  tooManyArgs: { id: 920380, status: 400, message: 'Too many query arguments' },
  tooManyHeaders: { id: 920390, status: 431, message: 'Too many header fields' },
  headersTooLarge: { id: 920391, status: 431, message: 'Header section too large' },
  bodyTooLarge: { id: 920400, status: 413, message: 'Request body too large' },
  caseFoldingLetter: { id: 920540, status: 403, message: 'Path with a letter that other case-insensitive comparisons take for an ASCII one (İ ı ſ K), routed elsewhere once folded' },
  pathTraversal: { id: 930100, status: 403, message: 'Path traversal' },
} as const satisfies Record<string, { id: number; status: RefusalStatus; message: string }>);

export type ProtocolRule = (typeof PROTOCOL_RULES)[keyof typeof PROTOCOL_RULES];

export interface ProtocolRefusal {
  status: RefusalStatus;
  ruleId: number;
  message: string;
  /** What was inspected: "method", "url", "headers", "header:content-length", "path", "query:NAME"… */
  target: string;
}

export function protocolRefusal(rule: ProtocolRule, target: string, detail?: string): { ok: false; refusal: ProtocolRefusal } {
  return {
    ok: false,
    refusal: { status: rule.status, ruleId: rule.id, message: detail ? `${rule.message}: ${detail}` : rule.message, target },
  };
}
