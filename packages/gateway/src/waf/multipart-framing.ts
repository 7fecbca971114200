// The framing of a multipart/form-data body (RFC 2046 section 5.1.1, RFC 7578) read strictly: the
// boundary, where each part starts and its header fields. busboy reads the values; this reading is
// what its result is checked against. Parsers differ wherever multipart is loose (whitespace after a
// delimiter, text before the first or after the last one, bare LF or CR line ends, repeated parameters
// or headers, a "boundary" found in two places of the Content-Type, parts that are not form-data): one
// parser skips a part that another reads, which is how multipart WAF bypasses work. Such bodies are
// reported, not read one way.
// This pass is cheap (a few indexOf per part) and bounded in parts, so it runs first: busboy's
// byte-by-byte header parser only sees bodies that passed it.
import type { ParameterizedValue } from './header-parameters.js';

/** A part's header fields, names in lower case, values as sent (latin1, as the bytes came). */
export interface PartHead {
  readonly fields: readonly (readonly [name: string, value: string])[];
  /** Bytes of the part's content, between its header section and the next delimiter. */
  readonly contentLength: number;
}

export type MultipartFraming =
  | { readonly ok: true; readonly parts: readonly PartHead[] }
  | { readonly ok: false; readonly problem: 'malformed' | 'too-many-parts'; readonly reason: string };

/** RFC 2046 bchars: 1 to 70 of them, not ending with a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parameters of a part's Content-Type such as `text/plain; charset=utf-8`, read leniently (as
 * busboy does; the strict reading of dispositions is header-parameters.ts): the leading value in
 * lower case and each parameter's values by lower-case name (every occurrence, so repeats show), or
 * undefined when the syntax is off.
 */
export function parseParameters(text: string): { value: string; params: Map<string, string[]> } | undefined {
  const semicolon = text.indexOf(';');
  const value = (semicolon === -1 ? text : text.slice(0, semicolon)).trim().toLowerCase();
  const params = new Map<string, string[]>();
  let i = semicolon === -1 ? text.length : semicolon;
  while (i < text.length) {
    // At a ';': a parameter follows, or only whitespace up to the end.
    i = skipWhitespace(text, i + 1);
    if (i === text.length) break;
    const equals = text.indexOf('=', i);
    if (equals === -1) return undefined;
    const name = text.slice(i, equals).trim().toLowerCase();
    if (!TOKEN.test(name)) return undefined;
    i = skipWhitespace(text, equals + 1);
    let parameter: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      parameter = '';
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92 /* \ */) i++;
        parameter += text.charAt(i);
      }
      if (i >= text.length) return undefined;
      i++;
    } else {
      const end = text.indexOf(';', i);
      parameter = text.slice(i, end === -1 ? text.length : end).trim();
      i = end === -1 ? text.length : end;
    }
    i = skipWhitespace(text, i);
    if (i < text.length && text.charCodeAt(i) !== 59 /* ; */) return undefined;
    const values = params.get(name);
    if (values === undefined) params.set(name, [parameter]);
    else values.push(parameter);
  }
  return { value, params };
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/**
 * The boundary of a multipart Content-Type (already read strictly): exactly one `boundary`
 * parameter of RFC 2046 characters, and no parameter but it and `charset`. Parsers that search the
 * header text instead must land on it too: PHP takes the first "boundary" (case-sensitive, else in any
 * case) and the next "=", Rack the last "boundary=" in any case. So `xboundary=AAA; boundary=BBB`
 * (AAA for PHP) and `boundary="x boundary=AAA"` (AAA for Rack) are refused, while browsers'
 * `boundary=----WebKitFormBoundary…` (the word after the parameter's name) reads alike everywhere.
 */
export function multipartBoundary(header: string, mediaType: ParameterizedValue): { ok: true; boundary: string } | { ok: false; reason: string } {
  const other = mediaType.params.find((param) => param.name !== 'boundary' && param.name !== 'charset');
  if (other !== undefined) return { ok: false, reason: `parameter ${JSON.stringify(other.name.slice(0, 40))} besides boundary and charset` };
  const boundaries = mediaType.params.filter((param) => param.name === 'boundary');
  if (boundaries.length !== 1) return { ok: false, reason: boundaries.length === 0 ? 'no boundary parameter' : 'more than one boundary parameter' };
  const { value: boundary, at } = boundaries[0]!;
  if (!BOUNDARY.test(boundary)) return { ok: false, reason: 'boundary outside RFC 2046 (1 to 70 letters, digits and \'()+_,-./:=? )' };
  const lower = header.toLowerCase();
  const exact = header.indexOf('boundary');
  if (lower.indexOf('boundary') !== at || (exact !== -1 && exact !== at) || lower.includes('boundary=', at + 1)) {
    return { ok: false, reason: '"boundary" elsewhere in the Content-Type, where PHP or Rack would look for the parameter' };
  }
  return { ok: true, boundary };
}

/**
 * Splits `body` at its delimiters: each one followed by CRLF and a part, the last by `--`. Text
 * before the first delimiter and after the last may only be whitespace; every part's header section
 * ends with an empty line before the next delimiter. More than `maxParts` parts: refused unread.
 * The Buffer is searched in place (no string copy of the body: bodies may be megabytes long); only
 * part header sections are read as text.
 */
export function scanMultipart(body: Buffer, boundary: string, maxParts: number): MultipartFraming {
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const dashBoundary = delimiter.subarray(2);
  // As busboy does: a CRLF in front, so that a body starting with the delimiter needs no preamble.
  // Positions below are in the body; a delimiter at -2 is that virtual CRLF and the body's start.
  let at = body.subarray(0, dashBoundary.length).equals(dashBoundary) ? -2 : body.indexOf(delimiter);
  if (at === -1) return malformed('no boundary delimiter');
  if (!onlyWhitespace(body, 0, Math.max(at, 0))) return malformed('text before the first boundary');
  const parts: PartHead[] = [];
  const delimiters = [at];
  for (;;) {
    const after = at + delimiter.length;
    if (bytesAt(body, after, DASH_DASH)) {
      if (!onlyWhitespace(body, after + 2, body.length)) return malformed('text after the closing boundary');
      break;
    }
    if (!bytesAt(body, after, CRLF)) return malformed('boundary delimiter not followed by CRLF');
    if (parts.length === maxParts) return { ok: false, problem: 'too-many-parts', reason: `more than ${maxParts} parts` };
    const headStart = after + 2;
    const next = body.indexOf(delimiter, headStart);
    if (next === -1) return malformed('no closing boundary (unterminated body)');
    // From the delimiter's own CRLF, so that a part without header fields is found too.
    const headEnd = body.indexOf(CRLF_CRLF, headStart - 2);
    if (headEnd === -1 || headEnd + 4 > next) return malformed('part header not ended by an empty line');
    const fields = headerFields(headEnd <= headStart ? '' : body.toString('latin1', headStart, headEnd));
    if (fields === undefined) return malformed('malformed part header');
    parts.push({ fields, contentLength: next - (headEnd + 4) });
    delimiters.push(next);
    at = next;
  }
  // Werkzeug and PHP also split on "--boundary" after a bare LF (or CR): any occurrence that is not
  // one of the delimiters above starts a part only they see, inside content that was not inspected.
  let index = 0;
  for (let found = body.indexOf(dashBoundary); found !== -1; found = body.indexOf(dashBoundary, found + 1)) {
    if (found !== delimiters[index++]! + 2) return malformed('the boundary inside a part (after a bare LF or CR, or in its text)');
  }
  return { ok: true, parts };
}

const CRLF = Buffer.from('\r\n');
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const DASH_DASH = Buffer.from('--');

/** Whether `body` holds `bytes` at `at`. */
function bytesAt(body: Buffer, at: number, bytes: Buffer): boolean {
  return at >= 0 && at + bytes.length <= body.length && body.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;
}

/** Whether body[start, end) is only CR, LF, tab and space. */
function onlyWhitespace(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = body[i];
    if (byte !== 13 && byte !== 10 && byte !== 9 && byte !== 32) return false;
  }
  return true;
}

function malformed(reason: string): MultipartFraming {
  return { ok: false, problem: 'malformed', reason };
}

/** `name: value` lines (folded lines joined); undefined when a line is not a header field. */
function headerFields(section: string): [string, string][] | undefined {
  const fields: [string, string][] = [];
  if (section === '') return fields;
  for (const line of section.split('\r\n')) {
    const previous = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && previous !== undefined) {
      previous[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name) || /[\r\n]/.test(line)) return undefined;
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  return fields;
}
