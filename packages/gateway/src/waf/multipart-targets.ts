// Inspection targets from multipart/form-data bodies: every field's name and value and every file's
// field name and file name, read by busboy from the buffered body. File contents are not inspected
// (uploads are data, not parameters), except for parts that other parsers take for fields: busboy
// calls a part without a file name a file when its type is application/octet-stream, PHP for one
// reads it into $_POST, so its content is inspected like a field value.
//
// busboy runs synchronously here: the whole body is written in one call, and busboy emits its
// `field`, `file` and `error` events while parsing that chunk. Its reading is then checked against a
// strict reading of the framing (multipart-framing.ts): a part busboy skipped (not form-data, a
// delimiter followed by whitespace) would reach a more lenient upstream parser uninspected.
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { multipartBoundary, parseParameters, scanMultipart, type PartHead } from './multipart-framing.js';
import type { InspectionTarget } from './signatures.js';

export interface MultipartLimits {
  /** Most parts (fields and files) inspected; busboy reads no further. */
  readonly maxParts: number;
  /** Longest field value read; a longer one is cut by busboy and reported through `truncated`. */
  readonly maxFieldBytes: number;
}

/** Why a multipart body is not inspected: it does not parse strictly, or a part asks for a decoding parsers disagree on. */
export type MultipartProblem = 'malformed' | 'charset' | 'transfer-encoding';

export type MultipartTargets =
  | { readonly ok: true; readonly targets: InspectionTarget[]; readonly truncated: boolean }
  | { readonly ok: false; readonly problem: MultipartProblem; readonly reason: string };

/**
 * Charsets that decode ASCII as ASCII. Under any other (UTF-16, UTF-7, base64...) busboy's decoded
 * text and what an upstream that ignores the part's charset reads differ, and signatures would see
 * the wrong one (as CRS rule 922100 does, for the part headers and the `_charset_` field).
 */
const ASCII_COMPATIBLE_CHARSETS: ReadonlySet<string> = new Set([
  'utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252',
]);

/** RFC 7578 section 4.7 deprecates Content-Transfer-Encoding; busboy does not decode it, some upstreams do (CRS 922120). */
const IDENTITY_TRANSFER_ENCODINGS: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary']);

const ignore = (): void => {};

/** The targets of a multipart/form-data body, or why it cannot be inspected. */
export function multipartTargets(body: Buffer, contentType: string, limits: MultipartLimits): MultipartTargets {
  const boundary = multipartBoundary(contentType);
  if (!boundary.ok) return malformed(boundary.reason);
  const framing = scanMultipart(body, boundary.boundary);
  if (!framing.ok) return malformed(framing.reason);
  for (const part of framing.parts) {
    const problem = partHeadProblem(part);
    if (problem !== undefined) return problem;
  }

  const targets: InspectionTarget[] = [];
  let truncated = framing.parts.length > limits.maxParts;
  let partsRead = 0;
  let failure: string | undefined;
  let charsetField: string | undefined;
  const fieldLikeFiles: { name: string; stream: Readable }[] = [];
  const files: Readable[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // The file name as sent: busboy would otherwise keep only its last segment, hiding `../`.
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { parts: limits.maxParts, fieldSize: limits.maxFieldBytes },
    });
  } catch (error) {
    return malformed((error as Error).message);
  }
  parser.on('error', (error: Error) => (failure ??= error.message));
  parser.on('field', (name: string | undefined, value: string, info: busboy.FieldInfo) => {
    partsRead++;
    if (info.valueTruncated || info.nameTruncated) truncated = true;
    const field = name ?? '';
    if (field.toLowerCase() === '_charset_') charsetField = value;
    targets.push({ name: 'multipart-name', value: field, plusAsSpace: false });
    targets.push({ name: `multipart:${field}`, value, plusAsSpace: false });
  });
  parser.on('file', (name: string | undefined, stream: Readable, info: busboy.FileInfo) => {
    partsRead++;
    stream.on('error', ignore);
    files.push(stream);
    const field = name ?? '';
    targets.push({ name: 'multipart-name', value: field, plusAsSpace: false });
    if (info.filename === undefined || info.filename === '') fieldLikeFiles.push({ name: field, stream });
    else targets.push({ name: `multipart-filename:${field}`, value: info.filename, plusAsSpace: false });
  });
  try {
    parser.write(body);
    // Parts without a file name: their content, parsed above, waits in the stream's buffer.
    for (const { name, stream } of fieldLikeFiles) {
      const content = stream.read() as Buffer | null;
      targets.push({ name: `multipart:${name}`, value: content === null ? '' : content.toString('utf8'), plusAsSpace: false });
    }
  } catch (error) {
    // Whatever busboy cannot parse is a malformed body, never an exception out of the firewall.
    failure ??= (error as Error).message;
  } finally {
    for (const stream of files) stream.destroy();
    parser.destroy();
  }

  if (failure !== undefined) return malformed(failure);
  if (partsRead !== Math.min(framing.parts.length, limits.maxParts)) return malformed('a part the parser did not read');
  if (charsetField !== undefined && !ASCII_COMPATIBLE_CHARSETS.has(charsetField.trim().toLowerCase())) {
    return { ok: false, problem: 'charset', reason: `_charset_ field ${JSON.stringify(charsetField.slice(0, 40))}` };
  }
  return { ok: true, targets, truncated };
}

function malformed(reason: string): MultipartTargets {
  return { ok: false, problem: 'malformed', reason };
}

/** A part header parsers may read differently: repeated or missing disposition, repeated names, odd charsets or encodings. */
function partHeadProblem(part: PartHead): MultipartTargets | undefined {
  const dispositions = part.fields.filter(([name]) => name === 'content-disposition');
  if (dispositions.length !== 1) return malformed(dispositions.length === 0 ? 'part without Content-Disposition' : 'part with several Content-Disposition headers');
  const disposition = parseParameters(dispositions[0]![1]);
  if (disposition === undefined || disposition.value !== 'form-data') return malformed('part whose Content-Disposition is not form-data');
  const count = (name: string): number => disposition.params.get(name)?.length ?? 0;
  // busboy prefers filename* to filename, PHP reads only filename: a part naming itself twice is read two ways.
  if (count('name') + count('name*') > 1) return malformed('part with more than one name');
  if (count('filename') + count('filename*') > 1) return malformed('part with more than one filename');

  const types = part.fields.filter(([name]) => name === 'content-type');
  if (types.length > 1) return malformed('part with several Content-Type headers');
  if (types.length === 1) {
    const type = parseParameters(types[0]![1]);
    if (type === undefined) return malformed('part with a malformed Content-Type');
    const charsets = type.params.get('charset') ?? [];
    if (charsets.length > 1) return malformed('part with more than one charset');
    const charset = charsets[0];
    if (charset !== undefined && !ASCII_COMPATIBLE_CHARSETS.has(charset.toLowerCase())) {
      return { ok: false, problem: 'charset', reason: `part charset ${JSON.stringify(charset.slice(0, 40))}` };
    }
  }
  for (const [name, value] of part.fields) {
    if (name === 'content-transfer-encoding' && !IDENTITY_TRANSFER_ENCODINGS.has(value.toLowerCase())) {
      return { ok: false, problem: 'transfer-encoding', reason: `Content-Transfer-Encoding ${JSON.stringify(value.slice(0, 40))}` };
    }
  }
  return undefined;
}
