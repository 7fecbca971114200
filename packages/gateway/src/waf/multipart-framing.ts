// The framing of a multipart/form-data body (RFC 2046 section 5.1.1, RFC 7578) read strictly: the
// boundary, where each part starts and its header fields. busboy reads the values; this reading is
// what its result is checked against. Parsers differ wherever multipart is loose (whitespace after a
// delimiter, text before the first or after the last one, bare LF line ends, repeated parameters or
// headers, filename* next to filename, parts that are not form-data): one parser skips a part that
// another reads, which is how multipart WAF bypasses work. Such bodies are reported, not read one way.

/** A part's header fields, names in lower case, values as sent (latin1, as the bytes came). */
export interface PartHead {
  readonly fields: readonly (readonly [name: string, value: string])[];
}

export type MultipartFraming = { readonly ok: true; readonly parts: readonly PartHead[] } | { readonly ok: false; readonly reason: string };

/** RFC 2046 bchars: 1 to 70 of them, not ending with a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ONLY_WHITESPACE = /^[\r\n\t ]*$/;

/**
 * Parameters of a header value such as `form-data; name="a"; filename="b"`: the leading value in
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

/** The boundary of a multipart Content-Type: exactly one `boundary` parameter, RFC 2046 characters only. */
export function multipartBoundary(contentType: string): { ok: true; boundary: string } | { ok: false; reason: string } {
  const parsed = parseParameters(contentType);
  const boundaries = parsed?.params.get('boundary') ?? [];
  if (boundaries.length !== 1) return { ok: false, reason: boundaries.length === 0 ? 'no boundary parameter' : 'more than one boundary parameter' };
  const boundary = boundaries[0]!;
  if (!BOUNDARY.test(boundary)) return { ok: false, reason: 'boundary outside RFC 2046 (1 to 70 letters, digits and \'()+_,-./:=? )' };
  return { ok: true, boundary };
}

/**
 * Splits `body` at its delimiters: each one followed by CRLF and a part, the last by `--`. Text
 * before the first delimiter and after the last may only be whitespace; every part's header section
 * ends with an empty line before the next delimiter.
 */
export function scanMultipart(body: Buffer, boundary: string): MultipartFraming {
  // As busboy does: a CRLF in front, so that a body starting with the delimiter needs no preamble.
  const text = `\r\n${body.toString('latin1')}`;
  const delimiter = `\r\n--${boundary}`;
  let at = text.indexOf(delimiter);
  if (at === -1) return { ok: false, reason: 'no boundary delimiter' };
  if (!ONLY_WHITESPACE.test(text.slice(0, at))) return { ok: false, reason: 'text before the first boundary' };
  const parts: PartHead[] = [];
  for (;;) {
    const after = at + delimiter.length;
    if (text.startsWith('--', after)) {
      if (!ONLY_WHITESPACE.test(text.slice(after + 2))) return { ok: false, reason: 'text after the closing boundary' };
      return { ok: true, parts };
    }
    if (!text.startsWith('\r\n', after)) return { ok: false, reason: 'boundary delimiter not followed by CRLF' };
    const headStart = after + 2;
    const next = text.indexOf(delimiter, headStart);
    if (next === -1) return { ok: false, reason: 'no closing boundary (unterminated body)' };
    // From the delimiter's own CRLF, so that a part without header fields is found too.
    const headEnd = text.indexOf('\r\n\r\n', headStart - 2);
    if (headEnd === -1 || headEnd + 4 > next) return { ok: false, reason: 'part header not ended by an empty line' };
    const fields = headerFields(text.slice(headStart, headEnd));
    if (fields === undefined) return { ok: false, reason: 'malformed part header' };
    parts.push({ fields });
    at = next;
  }
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
