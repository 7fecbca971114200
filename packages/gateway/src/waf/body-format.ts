// What a request body is, decided from its Content-Type and Content-Encoding before it is read: the
// parser an upstream will use on it (form, multipart, JSON, or one this firewall does not inspect),
// read as strictly as those parsers differ. Each refusal here is a way to have the upstream parse a
// body the inspection skipped or read differently:
// - a Content-Type that mentions a form, multipart or JSON but is not `type/subtype *(; parameter)`:
//   PHP cuts `multipart/form-data, x` at the comma (or a space) and parses the body (CRS 920470);
// - a request charset that does not read ASCII as ASCII: Tomcat decodes fields with it (CRS 920480);
// - a multipart boundary that parsers find in different places (multipart-framing.ts);
// - a Content-Encoding the firewall cannot decode for the inspection (content-coding.ts).
import { isAsciiCompatibleCharset } from './charsets.js';
import { contentCoding, type ContentCoding } from './content-coding.js';
import { MEDIA_TYPE, parseParameterizedValue } from './header-parameters.js';
import { multipartBoundary } from './multipart-framing.js';

export type BodyKind = 'form' | 'multipart' | 'json';

/** Why a body cannot be inspected as its headers announce it. */
export type BodyFormatProblem = 'content-type' | 'charset' | 'multipart' | 'content-coding';

export type BodyFormat =
  | { readonly ok: true; readonly kind: BodyKind | null; readonly boundary: string | undefined; readonly coding: ContentCoding }
  | { readonly ok: false; readonly problem: BodyFormatProblem; readonly reason: string };

/** A Content-Type with one of these is read as a form, multipart or JSON body by some parser. */
const INSPECTABLE_MENTION = /multipart|x-www-form-urlencoded|json/i;

const NOT_INSPECTED: BodyFormat = Object.freeze({ ok: true, kind: null, boundary: undefined, coding: 'identity' });

/** The body's kind, boundary and coding, or why its headers are refused. */
export function bodyFormat(contentType: string | undefined, contentEncoding: string | undefined): BodyFormat {
  if (contentType === undefined) return NOT_INSPECTED;
  const mediaType = parseParameterizedValue(contentType, MEDIA_TYPE);
  if (mediaType === undefined) {
    if (!INSPECTABLE_MENTION.test(contentType)) return NOT_INSPECTED;
    return problem('content-type', `${JSON.stringify(contentType.slice(0, 80))} is not type/subtype *(; parameter)`);
  }
  const kind = kindOf(mediaType.value);
  if (kind === null) return NOT_INSPECTED;
  let boundary: string | undefined;
  if (kind === 'multipart') {
    const found = multipartBoundary(contentType, mediaType);
    if (!found.ok) return problem('multipart', found.reason);
    boundary = found.boundary;
  }
  const charsets = mediaType.params.filter((param) => param.name === 'charset');
  // Given twice, one parser takes the first and another the last.
  if (charsets.length > 1) return problem('charset', 'more than one charset parameter');
  const charset = charsets[0]?.value;
  if (charset !== undefined && !isAsciiCompatibleCharset(charset)) return problem('charset', `request charset ${JSON.stringify(charset.slice(0, 40))}`);
  const coding = contentCoding(contentEncoding);
  if (coding === undefined) return problem('content-coding', `Content-Encoding ${JSON.stringify((contentEncoding ?? '').slice(0, 40))}`);
  return { ok: true, kind, boundary, coding };
}

/**
 * Which parser reads a media type (lower case): Commons FileUpload takes any multipart/* type for a
 * form, ASP.NET reads text/json as JSON; the type in front of a form or JSON subtype is not checked
 * by every framework either, so inspecting them all costs nothing and closes that gap.
 */
function kindOf(mediaType: string): BodyKind | null {
  const slash = mediaType.indexOf('/');
  const type = mediaType.slice(0, slash);
  const subtype = mediaType.slice(slash + 1);
  if (type === 'multipart') return 'multipart';
  if (subtype === 'x-www-form-urlencoded') return 'form';
  if (subtype === 'json' || subtype.endsWith('+json')) return 'json';
  return null;
}

function problem(kind: BodyFormatProblem, reason: string): BodyFormat {
  return { ok: false, problem: kind, reason };
}
