// Charsets that decode ASCII as ASCII. Under any other (UTF-16, UTF-7, EBCDIC such as IBM037...) the
// text a parser decodes and the bytes the inspection read differ: busboy turns a UTF-16 part into
// CJK text, Tomcat decodes a form in IBM037 into what was never inspected. CRS rules 920480 (the
// request's charset) and 922100 (a multipart part's charset, the `_charset_` field) allow the same few.
const ASCII_COMPATIBLE_CHARSETS: ReadonlySet<string> = new Set([
  'utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252',
]);

/** Whether `charset` (any case, surrounding whitespace ignored) is one of the ASCII-compatible ones. */
export function isAsciiCompatibleCharset(charset: string): boolean {
  return ASCII_COMPATIBLE_CHARSETS.has(charset.trim().toLowerCase());
}
