// Content-Encoding of the bodies the firewall inspects. Express's body-parser (and other frameworks)
// inflate a gzip or deflate body before parsing it, but most upstreams (PHP, Django, Rails, Spring,
// Go, ASP.NET) parse the bytes as sent. So compressed form, JSON and multipart bodies are refused by
// default (waf.compressedBodies "refuse"); with "inspect", for upstreams known to decompress, both the
// bytes as sent and a decoded copy are inspected, gzip members whose header carries text (FEXTRA,
// FNAME, FCOMMENT: skipped by decompression, read by a raw parser) are refused, and decoding stops
// at `maxOutputLength` and at 100 bytes out per byte in, so a small body cannot expand without bound.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

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

export type DecodedBody =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly problem: 'too-large' | 'ratio' | 'undecodable'; readonly reason: string };

/** gzip header flags (RFC 1952 section 2.3.1) that put text in the header: FEXTRA, FNAME, FCOMMENT. */
const GZIP_HEADER_TEXT = 0x04 | 0x08 | 0x10;

/**
 * Why a gzip body's header is refused, or undefined: a member whose header carries an extra field, a
 * file name or a comment holds bytes that decompression skips but a parser of the raw bytes reads.
 */
export function gzipHeaderProblem(body: Buffer): string | undefined {
  if (body.length < 10 || body[0] !== 0x1f || body[1] !== 0x8b) return undefined; // undecodable: decoding reports it
  const flags = body[3]!;
  if ((flags & GZIP_HEADER_TEXT) === 0) return undefined;
  const named = [flags & 0x04 ? 'FEXTRA' : '', flags & 0x08 ? 'FNAME' : '', flags & 0x10 ? 'FCOMMENT' : ''].filter((flag) => flag !== '');
  return `gzip header with ${named.join(', ')}`;
}

/**
 * `body` decoded, at most `maxBytes` of output and at most MAX_DECOMPRESSION_RATIO times its own
 * length; deflate is the zlib format of RFC 9110 section 8.4.1.2. "ratio": past the ratio (a
 * decompression bomb), "too-large": within the ratio but past `maxBytes`.
 */
export function decodeForInspection(body: Buffer, coding: Exclude<ContentCoding, 'identity'>, maxBytes: number): DecodedBody {
  const ratioBytes = body.length * MAX_DECOMPRESSION_RATIO;
  const cap = Math.min(maxBytes, ratioBytes);
  const options = { maxOutputLength: Math.max(cap, 1) };
  try {
    const decoded = coding === 'gzip' ? gunzipSync(body, options) : coding === 'deflate' ? inflateSync(body, options) : brotliDecompressSync(body, options);
    return { ok: true, body: decoded };
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
