// Lenient percent-decoding for inspection (never for forwarding): it must see what the most
// forgiving upstream could see, so it never throws and decodes more than RFC 3986 allows:
// - %uXXXX (IIS "unicode" encoding, CRS t:urlDecodeUni);
// - overlong UTF-8 (%c0%ae is '.', %c0%af is '/'), which old decoders accepted (CVE-2000-0884);
// - invalid sequences ("100%", "%zz") are kept as they are.

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function isContinuation(byte: number | undefined): byte is number {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** UTF-8 that also accepts overlong forms; a byte that starts no valid sequence becomes U+FFFD. */
export function decodeUtf8Leniently(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const c1 = bytes[i + 1];
    const c2 = bytes[i + 2];
    const c3 = bytes[i + 3];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
    } else if (b >= 0xc0 && b <= 0xdf && isContinuation(c1)) {
      out += String.fromCharCode(((b & 0x1f) << 6) | (c1 & 0x3f));
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef && isContinuation(c1) && isContinuation(c2)) {
      out += String.fromCharCode(((b & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f));
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf7 && isContinuation(c1) && isContinuation(c2) && isContinuation(c3)) {
      const codePoint = ((b & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      out += codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd';
      i += 4;
    } else {
      out += '\ufffd';
      i += 1;
    }
  }
  return out;
}

/** One round of lenient decoding; with `plusAsSpace` (query strings and form bodies) '+' is a space. */
export function percentDecodeLeniently(text: string, plusAsSpace = false): string {
  if (!text.includes('%') && !(plusAsSpace && text.includes('+'))) return text;
  const length = text.length;
  let out = '';
  let runStart = 0; // start of the pending stretch copied as it is
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 43 && plusAsSpace) {
      out += `${text.slice(runStart, i)} `;
      runStart = ++i;
      continue;
    }
    if (c !== 37) {
      i++;
      continue;
    }
    const bytes: number[] = [];
    let j = i;
    while (j + 2 < length && text.charCodeAt(j) === 37) {
      const hi = hexValue(text.charCodeAt(j + 1));
      const lo = hexValue(text.charCodeAt(j + 2));
      if (hi < 0 || lo < 0) break;
      bytes.push(hi * 16 + lo);
      j += 3;
    }
    if (bytes.length > 0) {
      out += text.slice(runStart, i) + decodeUtf8Leniently(bytes);
      runStart = i = j;
      continue;
    }
    if ((text.charCodeAt(i + 1) | 0x20) === 117 && i + 5 < length) {
      const h1 = hexValue(text.charCodeAt(i + 2));
      const h2 = hexValue(text.charCodeAt(i + 3));
      const h3 = hexValue(text.charCodeAt(i + 4));
      const h4 = hexValue(text.charCodeAt(i + 5));
      if (h1 >= 0 && h2 >= 0 && h3 >= 0 && h4 >= 0) {
        out += text.slice(runStart, i) + String.fromCharCode((h1 << 12) | (h2 << 8) | (h3 << 4) | h4);
        runStart = i = i + 6;
        continue;
      }
    }
    i++; // a '%' that starts no sequence stays as it is
  }
  return out + text.slice(runStart);
}

/**
 * The text after each decoding round, starting with the text itself and stopping when a round
 * changes nothing: double (%252e) and triple encodings show up in the later stages.
 * `plusAsSpace` applies to the first round only ('+' produced by decoding is a literal plus).
 */
export function decodingStages(text: string, maxRounds = 3, plusAsSpace = false): string[] {
  const stages = [text];
  let current = text;
  for (let round = 0; round < maxRounds; round++) {
    const next = percentDecodeLeniently(current, plusAsSpace && round === 0);
    if (next === current) break;
    stages.push(next);
    current = next;
  }
  return stages;
}

/** The fully decoded text (up to `maxRounds` rounds). */
export function decodeFully(text: string, maxRounds = 3, plusAsSpace = false): string {
  const stages = decodingStages(text, maxRounds, plusAsSpace);
  return stages[stages.length - 1] as string;
}
