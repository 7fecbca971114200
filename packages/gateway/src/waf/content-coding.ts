// Content-Encoding of the bodies the firewall inspects. Express's body-parser (and other frameworks)
// inflate a gzip or deflate body before parsing it, so inspecting the bytes as sent would see only
// compressed noise. A copy is decoded for the inspection; the upstream still gets the bytes as sent.
// The sync zlib functions stop at `maxOutputLength`, so a small body cannot expand without bound.
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

export type DecodedBody = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly problem: 'too-large' | 'undecodable'; readonly reason: string };

/** `body` decoded (at most `maxBytes` of output); deflate is the zlib format of RFC 9110 section 8.4.1.2. */
export function decodeForInspection(body: Buffer, coding: Exclude<ContentCoding, 'identity'>, maxBytes: number): DecodedBody {
  const options = { maxOutputLength: maxBytes };
  try {
    const decoded = coding === 'gzip' ? gunzipSync(body, options) : coding === 'deflate' ? inflateSync(body, options) : brotliDecompressSync(body, options);
    return { ok: true, body: decoded };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, problem: 'too-large', reason: `${coding} body that decompresses past ${maxBytes} bytes` };
    }
    return { ok: false, problem: 'undecodable', reason: `${coding}: ${(error as Error).message}` };
  }
}
