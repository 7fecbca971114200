// Content-Encoding of the bodies the firewall inspects. Express's body-parser (and other frameworks)
// inflate a gzip or deflate body before parsing it, but most upstreams (PHP, Django, Rails, Spring,
// Go, ASP.NET) parse the bytes as sent. So compressed form, JSON and multipart bodies are refused by
// default (waf.compressedBodies "refuse"); with "inspect", for upstreams known to decompress, the
// decoded copy is inspected, and only streams with no byte that decoding skips are accepted: one gzip
// member without header text (FEXTRA, FNAME, FCOMMENT, FHCRC) or trailing bytes, or one zlib stream
// without trailing bytes; brotli is refused, since its metadata blocks hold bytes decoders skip.
// Inspecting the raw bytes instead would read compressed binary as form fields (false positives).
// Decoding stops at `maxOutputLength` and at 100 bytes out per byte in, so a small body cannot
// expand without bound.
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';

export type ContentCoding = 'identity' | 'gzip' | 'deflate' | 'br';

/**
 * The coding a Content-Encoding value names (several header lines joined with ", "), or undefined
 * when it is not exactly one that the firewall decodes: stacked codings and others (compress, zstd)
 * would leave the inspection reading something else than the upstream.
 */
export function contentCoding(header: string | undefined): ContentCoding | undefined {
  switch ((header ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return undefined;
  }
}

/** Most bytes of decoded output per byte of compressed input that the inspection decodes. */
export const MAX_DECOMPRESSION_RATIO = 100;

/** gzip header flags (RFC 1952 section 2.3.1) beyond the fixed 10-byte header: FHCRC, FEXTRA, FNAME, FCOMMENT, reserved. */
const GZIP_HEADER_EXTRAS = 0xfe;
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

/** What zlib's sync functions return with `info: true` (Node's types do not model that overload). */
interface DecodedWithInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

export type DecodedBody =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly problem: 'hidden-bytes' | 'too-large' | 'ratio' | 'undecodable'; readonly reason: string };

/**
 * `body` decoded, at most `maxBytes` of output and at most MAX_DECOMPRESSION_RATIO times its own
 * length; deflate is the zlib format of RFC 9110 section 8.4.1.2. "hidden-bytes": the body holds
 * bytes that decoding skips but a parser of the raw bytes reads (gzip header text, a second gzip
 * member, trailing bytes, brotli at all); "ratio": past the ratio (a decompression bomb);
 * "too-large": within the ratio but past `maxBytes`.
 */
export function decodeForInspection(body: Buffer, coding: Exclude<ContentCoding, 'identity'>, maxBytes: number): DecodedBody {
  if (coding === 'br') return { ok: false, problem: 'hidden-bytes', reason: 'br body (its metadata blocks hold bytes that decoding skips)' };
  const ratioBytes = body.length * MAX_DECOMPRESSION_RATIO;
  const options = { info: true, maxOutputLength: Math.max(Math.min(maxBytes, ratioBytes), 1) } as const;
  try {
    if (coding === 'gzip') {
      if (body.length < GZIP_HEADER_BYTES + GZIP_TRAILER_BYTES || body[0] !== 0x1f || body[1] !== 0x8b || body[2] !== 8) {
        return { ok: false, problem: 'undecodable', reason: 'gzip: not a gzip member' };
      }
      if ((body[3]! & GZIP_HEADER_EXTRAS) !== 0) return { ok: false, problem: 'hidden-bytes', reason: 'gzip header with FHCRC, FEXTRA, FNAME, FCOMMENT or reserved flags' };
      // One member, decoded as raw deflate between the fixed header and the 8-byte trailer.
      const { buffer, engine } = inflateRawSync(body.subarray(GZIP_HEADER_BYTES), options) as unknown as DecodedWithInfo;
      const end = GZIP_HEADER_BYTES + engine.bytesWritten + GZIP_TRAILER_BYTES;
      if (end > body.length) return { ok: false, problem: 'undecodable', reason: 'gzip: truncated member' };
      if (end < body.length) return { ok: false, problem: 'hidden-bytes', reason: 'gzip body with more than one member or trailing bytes' };
      // The trailer: CRC-32 and length of the data, as every gzip decoder checks them.
      if (body.readUInt32LE(end - 8) !== crc32(buffer) || body.readUInt32LE(end - 4) !== buffer.length % 2 ** 32) {
        return { ok: false, problem: 'undecodable', reason: 'gzip: trailer does not match the data' };
      }
      return { ok: true, body: buffer };
    }
    const { buffer, engine } = inflateSync(body, options) as unknown as DecodedWithInfo;
    if (engine.bytesWritten !== body.length) return { ok: false, problem: 'hidden-bytes', reason: 'deflate body with trailing bytes' };
    return { ok: true, body: buffer };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      if (ratioBytes <= maxBytes) {
        return { ok: false, problem: 'ratio', reason: `${coding} body of ${body.length} bytes that decompresses past ${MAX_DECOMPRESSION_RATIO}:1` };
      }
      return { ok: false, problem: 'too-large', reason: `${coding} body that decompresses past ${maxBytes} bytes` };
    }
    return { ok: false, problem: 'undecodable', reason: `${coding}: ${(error as Error).message}` };
  }
}
