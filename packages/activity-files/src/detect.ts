/** What the bytes are, from their first bytes (magic numbers), not from the file name. */
export type ContentKind = 'zip' | 'gzip' | 'fit' | 'xml' | 'unknown';

export function detectContent(bytes: Uint8Array): ContentKind {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (bytes.length >= 12 && (bytes[0] === 12 || bytes[0] === 14) && String.fromCharCode(...bytes.subarray(8, 12)) === '.FIT') {
    return 'fit';
  }
  if (looksLikeXml(bytes)) return 'xml';
  return 'unknown';
}

export type XmlFormat = 'gpx' | 'tcx';

/** GPX or TCX by the root element near the start, else by the file extension (the parser then checks the root). */
export function xmlFormatOf(bytes: Uint8Array, fileName: string): XmlFormat {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64 * 1024));
  const root = /<(?:[A-Za-z_][\w.-]*:)?(gpx|TrainingCenterDatabase)[\s/>]/.exec(head);
  if (root) return root[1] === 'gpx' ? 'gpx' : 'tcx';
  return /\.tcx$/i.test(fileName) ? 'tcx' : 'gpx';
}

/** The extensions of activity files, optionally gzipped. */
export function isActivityFileName(path: string): boolean {
  return /\.(gpx|tcx|fit)(\.gz)?$/i.test(path);
}

function looksLikeXml(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true;
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c; // '<'
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
