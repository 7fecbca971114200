// The transformation chain applied before signature matching, after CRS's
// t:urlDecodeUni, t:htmlEntityDecode, t:lowercase, t:replaceComments, t:compressWhitespace,
// t:removeNulls. Every step is linear in the input; nothing here backtracks.

import { decodeFully } from './percent-decoding.js';

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', colon: ':', tab: '\t', newline: '\n',
  lpar: '(', rpar: ')', sol: '/', bsol: '\\', grave: '`', equals: '=', semi: ';', num: '#',
};

const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,7}));?/g;
const WHITESPACE_RUN = /\s+/g;
const NULLS = /\0/g;

function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    const codePoint = decimal !== undefined ? Number(decimal) : hex !== undefined ? parseInt(hex, 16) : -1;
    if (codePoint >= 0) return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    return (name !== undefined ? NAMED_ENTITIES[name] : undefined) ?? whole;
  });
}

/**
 * Replaces C-style comments with a space, as MySQL reads "union/**\/select" as "union select".
 * MySQL's executable comments ("/*!50000union*\/") keep their content. An unclosed comment runs
 * to the end. indexOf-based so that many unclosed "/*" stay linear.
 */
function replaceComments(text: string): string {
  let start = text.indexOf('/*');
  if (start < 0) return text;
  let out = '';
  let from = 0;
  while (start >= 0) {
    out += text.slice(from, start) + ' ';
    const end = text.indexOf('*/', start + 2);
    if (text.charCodeAt(start + 2) === 33 /* ! */) {
      let contentStart = start + 3;
      while (contentStart < text.length && text.charCodeAt(contentStart) >= 48 && text.charCodeAt(contentStart) <= 57) contentStart++;
      if (end < 0) return out + text.slice(contentStart);
      out += `${text.slice(contentStart, end)} `;
    } else if (end < 0) {
      return out;
    }
    from = end + 2;
    start = text.indexOf('/*', from);
  }
  return out + text.slice(from);
}

/**
 * The form the signature rules see: fully percent-decoded (with '+' as space when the value
 * came from a query string or form body), entity-decoded, lower-case, without null bytes, with
 * comments replaced by spaces and whitespace runs collapsed to one space.
 */
export function normalizeForSignatures(value: string, plusAsSpace: boolean): string {
  let text = decodeFully(value, 3, plusAsSpace);
  text = text.toLowerCase();
  if (text.includes('&')) text = decodeHtmlEntities(text).toLowerCase(); // "&#83;" is an upper-case S
  if (text.includes('\0')) text = text.replace(NULLS, '');
  text = replaceComments(text);
  return text.replace(WHITESPACE_RUN, ' ');
}
