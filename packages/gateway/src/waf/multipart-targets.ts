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
//
// The body may be as large as the route's maxBodyBytes: only what is not file content (part headers,
// field values, delimiters) counts against the inspection limit, as ModSecurity's
// SecRequestBodyNoFilesLimit does, so one large file cannot switch the inspection of the fields off.
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { isAsciiCompatibleCharset } from './charsets.js';
import { DISPOSITION_TYPE, parseParameterizedValue } from './header-parameters.js';
import { parseParameters, scanMultipart, type PartHead } from './multipart-framing.js';
import type { InspectionTarget } from './signatures.js';

export interface MultipartLimits {
  /** Most parts (fields and files): more are refused by the framing pass, before busboy runs. */
  readonly maxParts: number;
  /** Most bytes outside file contents (part headers, field values, delimiters); also the longest field read. */
  readonly maxNonFileBytes: number;
}

/**
 * Why a multipart body is not inspected: it does not parse strictly, a part asks for a decoding
 * parsers disagree on, or it is beyond the inspection bounds (parts, bytes outside files).
 */
export type MultipartProblem = 'malformed' | 'charset' | 'transfer-encoding' | 'too-many-parts' | 'too-large';

export type MultipartTargets =
  | { readonly ok: true; readonly targets: InspectionTarget[]; readonly truncated: boolean }
  | { readonly ok: false; readonly problem: MultipartProblem; readonly reason: string };

/** RFC 7578 section 4.7 deprecates Content-Transfer-Encoding; busboy does not decode it, some upstreams do (CRS 922120). */
const IDENTITY_TRANSFER_ENCODINGS: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary']);

const ignore = (): void => {};

/** The targets of a multipart body whose Content-Type (boundary included) was already checked, or why it cannot be inspected. */
export function multipartTargets(body: Buffer, boundary: string, limits: MultipartLimits): MultipartTargets {
  const framing = scanMultipart(body, boundary, limits.maxParts);
  if (!framing.ok) return { ok: false, problem: framing.problem, reason: framing.reason };
  let fileBytes = 0;
  for (const part of framing.parts) {
    const head = readPartHead(part);
    if (!head.ok) return head;
    if (head.isFile) fileBytes += part.contentLength;
  }
  const nonFileBytes = body.length - fileBytes;
  if (nonFileBytes > limits.maxNonFileBytes) {
    return { ok: false, problem: 'too-large', reason: `${nonFileBytes} bytes outside file contents > ${limits.maxNonFileBytes}` };
  }

  const targets: InspectionTarget[] = [];
  let truncated = false;
  let partsRead = 0;
  let failure: string | undefined;
  let charsetField: string | undefined;
  const fieldLikeFiles: { name: string; stream: Readable }[] = [];
  const files: Readable[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      // busboy reads multipart/form-data only: the boundary as checked, whatever multipart/* type was sent.
      headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` },
      // The file name as sent: busboy would otherwise keep only its last segment, hiding `../`.
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { parts: limits.maxParts, fieldSize: limits.maxNonFileBytes },
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
  if (partsRead !== framing.parts.length) return malformed('a part the parser did not read');
  if (charsetField !== undefined && !isAsciiCompatibleCharset(charsetField)) {
    return { ok: false, problem: 'charset', reason: `_charset_ field ${JSON.stringify(charsetField.slice(0, 40))}` };
  }
  return { ok: true, targets, truncated };
}

function malformed(reason: string): MultipartTargets & { readonly ok: false } {
  return { ok: false, problem: 'malformed', reason };
}

type PartReading = { readonly ok: true; readonly isFile: boolean } | (MultipartTargets & { readonly ok: false });

/**
 * Whether a part is a file (content not inspected), or why parsers may read its header differently:
 * repeated or missing disposition, parameters some parsers read and others do not, odd charsets or
 * encodings.
 */
function readPartHead(part: PartHead): PartReading {
  const dispositions = part.fields.filter(([name]) => name === 'content-disposition');
  if (dispositions.length !== 1) return malformed(dispositions.length === 0 ? 'part without Content-Disposition' : 'part with several Content-Disposition headers');
  const disposition = parseParameterizedValue(dispositions[0]![1], DISPOSITION_TYPE);
  if (disposition === undefined) return malformed('part with a Content-Disposition off the grammar (values are tokens or quoted strings)');
  if (disposition.value !== 'form-data') return malformed('part whose Content-Disposition is not form-data');
  for (const param of disposition.params) {
    // busboy reads filename* (RFC 2231) and makes the part a file, PHP ignores it and reads a field;
    // RFC 7578 section 4.2 says not to send it. Other parameters are where quoting tricks hide.
    if (param.name !== 'name' && param.name !== 'filename') return malformed(`Content-Disposition parameter ${JSON.stringify(param.name.slice(0, 40))}`);
    // PHP honours single quotes (name='a;filename=b' is one name), busboy takes ' for a token character.
    if (!param.quoted && param.value.includes("'")) return malformed('unquoted Content-Disposition value with a single quote');
    if (param.escapedQuote) return malformed('Content-Disposition value with an escaped quote');
  }
  const names = disposition.params.filter((param) => param.name === 'name');
  const filenames = disposition.params.filter((param) => param.name === 'filename');
  if (names.length > 1) return malformed('part with more than one name');
  if (filenames.length > 1) return malformed('part with more than one filename');

  const types = part.fields.filter(([name]) => name === 'content-type');
  if (types.length > 1) return malformed('part with several Content-Type headers');
  if (types.length === 1) {
    const type = parseParameters(types[0]![1]);
    if (type === undefined) return malformed('part with a malformed Content-Type');
    const charsets = type.params.get('charset') ?? [];
    if (charsets.length > 1) return malformed('part with more than one charset');
    const charset = charsets[0];
    if (charset !== undefined && !isAsciiCompatibleCharset(charset)) {
      return { ok: false, problem: 'charset', reason: `part charset ${JSON.stringify(charset.slice(0, 40))}` };
    }
  }
  for (const [name, value] of part.fields) {
    if (name === 'content-transfer-encoding' && !IDENTITY_TRANSFER_ENCODINGS.has(value.toLowerCase())) {
      return { ok: false, problem: 'transfer-encoding', reason: `Content-Transfer-Encoding ${JSON.stringify(value.slice(0, 40))}` };
    }
  }
  // As busboy decides (and PHP): a non-empty file name makes a file; the others are read as fields.
  return { ok: true, isFile: (filenames[0]?.value ?? '') !== '' };
}
