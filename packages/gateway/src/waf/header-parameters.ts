// Header values of the form `value *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )` read
// strictly (RFC 9110 sections 5.6.4, 5.6.6 and 8.3.1): the request's Content-Type and a multipart
// part's Content-Disposition. Loose readers differ from a strict one and from each other (PHP cuts a
// type at "," or a space and honours single quotes, busboy takes ' for a token character), so one
// sees a parameter or a file name that another does not: such values are refused, not read one way.

export interface HeaderParameter {
  /** In lower case. */
  readonly name: string;
  readonly value: string;
  /** The value was a quoted-string. */
  readonly quoted: boolean;
  /** Index of the name in the header value. */
  readonly at: number;
  /** The quoted value contains `\"`: parsers that do not unescape end the string there. */
  readonly escapedQuote: boolean;
}

export interface ParameterizedValue {
  /** The leading value (`multipart/form-data`, `form-data`) in lower case. */
  readonly value: string;
  readonly params: readonly HeaderParameter[];
}

/** RFC 9110 tchar. */
function isTokenChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return true; // A-Z a-z
  return c < 0x7f && "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09;

/** qdtext and the character after a backslash: HTAB, SP, visible ASCII, obs-text (Latin-1, as Node gives header values). */
function isQuotedChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

function tokenEnd(text: string, i: number): number {
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * `text` read strictly: the leading value (checked by `leading`, e.g. `type/subtype`) and the
 * parameters in order, repeats included; undefined when anything is off the grammar.
 */
export function parseParameterizedValue(text: string, leading: RegExp): ParameterizedValue | undefined {
  let i = skipWhitespace(text, 0);
  let end = i;
  while (end < text.length && !isWhitespace(text.charCodeAt(end)) && text.charCodeAt(end) !== 59 /* ; */) end++;
  const value = text.slice(i, end);
  if (!leading.test(value)) return undefined;
  const params: HeaderParameter[] = [];
  i = end;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i === text.length) break;
    if (text.charCodeAt(i) !== 59 /* ; */) return undefined;
    i = skipWhitespace(text, i + 1);
    // An empty parameter (";;" or a trailing ";") is allowed.
    if (i === text.length || text.charCodeAt(i) === 59) continue;
    const at = i;
    const nameEnd = tokenEnd(text, i);
    if (nameEnd === i || text.charCodeAt(nameEnd) !== 61 /* = */) return undefined;
    const name = text.slice(i, nameEnd).toLowerCase();
    i = nameEnd + 1;
    if (text.charCodeAt(i) === 34 /* " */) {
      let parameter = '';
      let escapedQuote = false;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        let c = text.charCodeAt(i);
        if (c === 92 /* \ */) {
          c = text.charCodeAt(++i);
          if (c === 34) escapedQuote = true;
        }
        if (!isQuotedChar(c)) return undefined;
        parameter += text.charAt(i);
      }
      if (i >= text.length) return undefined;
      params.push({ name, value: parameter, quoted: true, at, escapedQuote });
      i++;
    } else {
      const valueEnd = tokenEnd(text, i);
      if (valueEnd === i) return undefined;
      params.push({ name, value: text.slice(i, valueEnd), quoted: false, at, escapedQuote: false });
      i = valueEnd;
    }
  }
  return { value: value.toLowerCase(), params };
}

/** `type/subtype` (RFC 9110 section 8.3.1). */
export const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A disposition type such as `form-data` (RFC 6266 section 4.1). */
export const DISPOSITION_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
