// Multipart inspection, rule by rule: what is inspected, the bounds, and the shapes that parsers
// read differently (each one a known way to slip a field past a WAF) refused as 920140, 922100 or 922120.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFirewallConfig, inspectBody, shouldInspectBody, type FirewallVerdict } from '../src/waf/firewall.js';

const block = compileFirewallConfig({ mode: 'block' });
const detect = compileFirewallConfig({ mode: 'detect' });
const off = compileFirewallConfig({ mode: 'off' });
const TYPE = 'multipart/form-data; boundary=XyZ';

/** Parts given as their raw header lines and content, framed with CRLF delimiters and the close delimiter. */
function framed(boundary: string, ...parts: string[]): Buffer {
  return Buffer.from(`${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}--${boundary}--\r\n`, 'latin1');
}

const body = (...parts: string[]): Buffer => framed('XyZ', ...parts);

/** Blocked as a plain field (942100); each bypass below hid it from the inspection. */
const ATTACK = "1' OR '1'='1";

const field = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

function summary(verdict: FirewallVerdict): string {
  return verdict.action === 'pass' ? `pass ${verdict.score}` : `${verdict.action} ${verdict.status} ${verdict.ruleId}`;
}

const inspect = (payload: Buffer, config = block, type = TYPE) => summary(inspectBody(type, payload, config));

describe('multipart inspection', () => {
  it('is wanted within the inspection limit, and not in off mode', () => {
    assert.equal(shouldInspectBody(TYPE, 1000, block), true);
    assert.equal(shouldInspectBody('Multipart/Form-Data; boundary=x', undefined, block), true);
    // Multipart bodies are buffered up to maxBodyBytes: only their non-file bytes count against the inspection limit.
    assert.equal(shouldInspectBody(TYPE, 70_000, block), true);
    assert.equal(shouldInspectBody(TYPE, 1_048_576, block), true);
    assert.equal(shouldInspectBody(TYPE, 1_048_577, block), false);
    assert.equal(shouldInspectBody(TYPE, 1000, off), false);
    // Commons FileUpload reads any multipart/* type.
    assert.equal(shouldInspectBody('multipart/mixed; boundary=x', 1000, block), true);
  });

  it('passes ordinary forms, an empty one and a quoted boundary', () => {
    const form = body(field('title', "O'Brien's 10 km – select your race"), 'Content-Disposition: form-data; name="f"; filename="run.gpx"\r\nContent-Type: text/xml\r\n\r\n<gpx/>');
    assert.equal(inspect(form), 'pass 0');
    assert.equal(inspect(Buffer.from('--XyZ--\r\n')), 'pass 0');
    assert.equal(inspect(form, block, 'multipart/form-data; boundary="XyZ"'), 'pass 0');
    assert.equal(inspect(body(field('a', '')), block), 'pass 0');
  });

  it('inspects field names and values, file names, and the content of parts without a file name', () => {
    assert.equal(inspect(body(field('q', "admin'--"))), 'block 403 942140');
    assert.equal(inspect(body(field('<script>x', '1'))), 'block 403 941100');
    assert.equal(inspect(body('Content-Disposition: form-data; name="f"; filename="../../etc/passwd"\r\n\r\nx')), 'block 403 930110');
    // busboy takes an octet-stream part without a file name for a file; PHP reads it as a field.
    assert.equal(inspect(body('Content-Disposition: form-data; name="q"\r\nContent-Type: application/octet-stream\r\n\r\n<script>alert(1)</script>')), 'block 403 941100');
    assert.equal(inspect(body('Content-Disposition: form-data; name="q"; filename=""\r\n\r\n<script>alert(1)</script>')), 'block 403 941100');
    // A named file's content is data, not inspected.
    assert.equal(inspect(body('Content-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n<script>alert(1)</script>')), 'pass 0');
    // Field and URL findings add up as one score.
    assert.equal(summary(inspectBody(TYPE, body(field('a', 'alert(1)')), block)), 'pass 3');
    assert.equal(summary(inspectBody(TYPE, body(field('a', 'alert(1)')), block, { score: 2, matches: [] })), 'block 403 941160');
  });

  it('refuses with 400 920140 what does not parse strictly, or parses two ways', () => {
    const cases: [string, string, Buffer][] = [
      ['unterminated', TYPE, Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="q"\r\n\r\nhello')],
      ['boundary not found in the body', 'multipart/form-data; boundary=Other', body(field('a', 'b'))],
      ['no boundary parameter', 'multipart/form-data', body(field('a', 'b'))],
      ['two boundary parameters', 'multipart/form-data; boundary=XyZ; boundary=Other', body(field('a', 'b'))],
      ['boundary outside RFC 2046', 'multipart/form-data; boundary="a<b"', body(field('a', 'b'))],
      ['whitespace after a delimiter', TYPE, Buffer.from('--XyZ  \r\nContent-Disposition: form-data; name="q"\r\n\r\nx\r\n--XyZ--')],
      ['text before the first delimiter', TYPE, Buffer.from(`junk\n--XyZ\r\n${field('q', 'x')}\r\n--XyZ--`)],
      ['text after the last delimiter', TYPE, Buffer.concat([body(field('q', 'x')), Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="r"\r\n\r\ny')])],
      ['bare LF line ends', TYPE, Buffer.from('--XyZ\nContent-Disposition: form-data; name="q"\n\nx\n--XyZ--\n')],
      ['no Content-Disposition', TYPE, body('Content-Type: text/plain\r\n\r\nx')],
      ['no header fields', TYPE, body('\r\nx')],
      ['two Content-Disposition headers', TYPE, body('Content-Disposition: form-data; name="a"\r\nContent-Disposition: form-data; name="b"\r\n\r\nx')],
      ['not form-data', TYPE, body('Content-Disposition: attachment; name="q"\r\n\r\nx')],
      ['two names', TYPE, body('Content-Disposition: form-data; name="a"; name="b"\r\n\r\nx')],
      ['filename and filename*', TYPE, body('Content-Disposition: form-data; name="f"; filename="a.txt"; filename*=UTF-8\'\'b.txt\r\n\r\nx')],
      ['two Content-Type headers', TYPE, body('Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\nx')],
      ['a header line without a colon', TYPE, body('Content-Disposition: form-data; name="a"\r\nbogus\r\n\r\nx')],
      ['a part header longer than busboy reads (16 KiB)', TYPE, body(`Content-Disposition: form-data; name="a"\r\nX-Pad: ${'p'.repeat(17_000)}\r\n\r\nx`)],
    ];
    const large = compileFirewallConfig({ mode: 'block', bodyInspectionLimitBytes: 1 << 20 });
    for (const [label, type, payload] of cases) assert.equal(inspect(payload, large, type), 'block 400 920140', label);
  });

  it('refuses part charsets and transfer encodings that would decode differently (922100, 922120)', () => {
    // Under UTF-16LE busboy turns this SQL injection into CJK text; an upstream that ignores the charset reads it as is.
    const utf16 = body(`Content-Disposition: form-data; name="q"\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\n' or 1=1--`);
    assert.equal(inspect(utf16), 'block 403 922100');
    assert.equal(inspect(body(`Content-Disposition: form-data; name="q"\r\nContent-Type: text/plain; charset="UTF-7"\r\n\r\n+ADw-script+AD4-`)), 'block 403 922100');
    assert.equal(inspect(body(field('_charset_', 'utf-7'), field('q', '+ADw-script+AD4-'))), 'block 403 922100');
    assert.equal(inspect(body(`Content-Disposition: form-data; name="q"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\nx`)), 'pass 0');
    assert.equal(inspect(body(field('_charset_', 'UTF-8'))), 'pass 0');
    assert.equal(inspect(body('Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: base64\r\n\r\nPHNjcmlwdD4=')), 'block 403 922120');
    assert.equal(inspect(body('Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=3Cscript=3E')), 'block 403 922120');
    assert.equal(inspect(body('Content-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Transfer-Encoding: binary\r\n\r\nx')), 'pass 0');
  });

  it('detect mode reports those findings instead of refusing', () => {
    assert.equal(inspect(Buffer.from('--XyZ\r\nnot a header'), detect), 'detect 400 920140');
    assert.equal(inspect(body(field('q', "admin'--")), detect), 'detect 403 942140');
    assert.equal(inspect(body('Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: base64\r\n\r\nx'), detect), 'detect 403 922120');
  });

  it('inspects at most maxBodyTargets parts: more is refused like a deeper JSON body (920600)', () => {
    const parts = (count: number) => body(...Array.from({ length: count }, (_, i) => field(`f${i}`, 'v')));
    const bounded = compileFirewallConfig({ mode: 'block', maxBodyTargets: 3 });
    assert.equal(inspect(parts(3), bounded), 'pass 0');
    assert.equal(inspect(parts(4), bounded), 'block 403 920600');
    assert.equal(inspect(parts(4), compileFirewallConfig({ mode: 'detect', maxBodyTargets: 3 })), 'detect 403 920600');
  });

  it('reads fields up to the inspection limit, past busboy\'s 1 MiB default', () => {
    const large = compileFirewallConfig({ mode: 'block', multipartNonFileLimitBytes: 2 << 20, protocol: { maxBodyBytes: 4 << 20 } });
    const tail = body(field('q', `${'a '.repeat(600_000)}<script>alert(1)</script>`));
    assert.ok(tail.length > 1 << 20);
    assert.equal(inspect(tail, large), 'block 403 941100');
  });

  it('refuses the boundary on a bare LF or CR, where Werkzeug and PHP split the body (920140)', () => {
    assert.equal(inspect(body(field('id', ATTACK))), 'block 403 942100');
    // Inside a file's content (not inspected) a second part only lenient parsers see.
    const hidden = (eol: string) =>
      body(`Content-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nxx${eol}--XyZ${eol}Content-Disposition: form-data; name="id"${eol}${eol}${ATTACK}${eol}--XyZ--`);
    assert.equal(inspect(hidden('\n')), 'block 400 920140');
    assert.equal(inspect(hidden('\r')), 'block 400 920140');
    // The boundary anywhere but in a delimiter: clients choose one that their content does not contain.
    assert.equal(inspect(body(field('a', 'x--XyZ'))), 'block 400 920140');
    assert.equal(inspect(body('Content-Disposition: form-data; name="--XyZ"\r\n\r\nx')), 'block 400 920140');
  });

  it('accepts only one boundary parameter (and charset), where PHP and Rack look for it (920140)', () => {
    // PHP takes the first "boundary" in the header (AAA), Rack the last "boundary=".
    const smuggled = body(`Content-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n--AAA\r\nContent-Disposition: form-data; name="id"\r\n\r\n${ATTACK}\r\n--AAA--`);
    assert.equal(inspect(smuggled, block, 'multipart/form-data; xboundary=AAA; boundary=XyZ'), 'block 400 920140');
    assert.equal(inspect(smuggled, block, 'multipart/form-data; boundary=XyZ; xboundary=AAA'), 'block 400 920140');
    assert.equal(inspect(smuggled, block, 'multipart/form-data; name=AAA; boundary=XyZ'), 'block 400 920140');
    assert.equal(inspect(framed('Xy boundary=AAA', field('a', 'b')), block, 'multipart/form-data; boundary="Xy boundary=AAA"'), 'block 400 920140');
    assert.equal(inspect(framed('boundary-x=AAA', field('a', 'b')), block, 'multipart/form-data; BOUNDARY="boundary-x=AAA"'), 'block 400 920140');
    // Browsers' boundaries contain the word, after the parameter's name: read alike everywhere.
    const webkit = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
    assert.equal(inspect(framed(webkit, field('a', 'b')), block, `multipart/form-data; boundary=${webkit}`), 'pass 0');
    const gecko = '----geckoformboundary8a2c61d0e5b7f3c4';
    assert.equal(inspect(framed(gecko, field('a', 'b')), block, `multipart/form-data; boundary=${gecko}`), 'pass 0');
    assert.equal(inspect(body(field('a', 'b')), block, 'multipart/form-data; boundary=XyZ; charset=UTF-8'), 'pass 0');
  });

  it('accepts only name and filename in a part\'s disposition, as tokens or quoted strings (920140)', () => {
    const dispositions = [
      // busboy reads filename* (a file, not inspected); PHP ignores it (a field).
      "form-data; name=\"id\"; filename*=UTF-8''a.txt",
      // busboy takes ' for a token character (a file named b'); PHP honours single quotes (a field).
      "form-data; name=id; x='a;filename=b'",
      "form-data; name='id;filename=b'",
      "form-data; name*=UTF-8''id",
      'form-data; name="id"; size=12',
      // Whether \" ends the string or escapes the quote depends on the parser.
      'form-data; name="id\\"; filename="a.txt"',
      'form-data; name=i<d',
    ];
    for (const disposition of dispositions) {
      assert.equal(inspect(body(`Content-Disposition: ${disposition}\r\n\r\n${ATTACK}`)), 'block 400 920140', disposition);
    }
    assert.equal(inspect(body(`Content-Disposition: form-data; name=id\r\n\r\n${ATTACK}`)), 'block 403 942100');
    assert.equal(inspect(body('Content-Disposition: form-data; name="note"; filename="O\'Brien\'s run.gpx"\r\n\r\nx')), 'pass 0');
  });

  it('inspects any multipart/* type, as Commons FileUpload parses them all', () => {
    assert.equal(inspect(body(field('id', ATTACK)), block, 'multipart/mixed; boundary=XyZ'), 'block 403 942100');
    assert.equal(inspect(body(field('id', ATTACK)), block, 'Multipart/Related; boundary=XyZ'), 'block 403 942100');
  });

  it('refuses a request charset outside the ASCII-compatible ones, as Tomcat decodes fields with it (922100)', () => {
    // "1' OR '1'='1" in EBCDIC (IBM037).
    const ebcdic = Buffer.from([0xf1, 0x7d, 0x40, 0xd6, 0xd9, 0x40, 0x7d, 0xf1, 0x7d, 0x7e, 0x7d, 0xf1]).toString('latin1');
    assert.equal(inspect(body(field('id', ebcdic)), block, 'multipart/form-data; boundary=XyZ; charset=ibm037'), 'block 403 922100');
    assert.equal(inspect(body(field('id', ebcdic)), block, 'multipart/form-data; charset="IBM037"; boundary=XyZ'), 'block 403 922100');
    assert.equal(inspect(body(field('id', ebcdic)), detect, 'multipart/form-data; boundary=XyZ; charset=ibm037'), 'detect 403 922100');
    assert.equal(inspect(body(field('id', ATTACK)), block, 'multipart/form-data; boundary=XyZ; charset=iso-8859-1'), 'block 403 942100');
  });

  it('inspects a body past the inspection limit up to maxBodyBytes, counting only its non-file bytes (920401)', () => {
    // One padding file used to switch the inspection off.
    const padded = body(`Content-Disposition: form-data; name="pad"; filename="pad.bin"\r\n\r\n${'p'.repeat(70_000)}`, field('id', ATTACK));
    assert.ok(padded.length > block.bodyInspectionLimitBytes);
    assert.equal(inspect(padded), 'block 403 942100');
    assert.equal(inspect(body(`Content-Disposition: form-data; name="pad"; filename="pad.bin"\r\n\r\n${'p'.repeat(70_000)}`, field('id', 'x'))), 'pass 0');
    // Fields, part headers and file names count against multipartNonFileLimitBytes (128 KiB, not
    // the inspection limit): more is refused, not skipped.
    assert.equal(block.multipartNonFileLimitBytes, 131072);
    assert.equal(inspect(body(...Array.from({ length: 10 }, (_, i) => field(`f${i}`, 'v'.repeat(7000))))), 'pass 0');
    const fields = body(...Array.from({ length: 20 }, (_, i) => field(`f${i}`, 'v'.repeat(7000))));
    assert.equal(inspect(fields), 'block 413 920401');
    assert.equal(inspect(fields, detect), 'detect 413 920401');
    const named = body(...Array.from({ length: 14 }, (_, i) => `Content-Disposition: form-data; name="f${i}"; filename="${'n'.repeat(10_000)}.txt"\r\n\r\nx`));
    assert.equal(inspect(named), 'block 413 920401');
    // A part without a file name is read as a field (PHP): its content counts.
    const octets = body(`Content-Disposition: form-data; name="q"\r\nContent-Type: application/octet-stream\r\n\r\n${'o'.repeat(140_000)}`);
    assert.equal(inspect(octets), 'block 413 920401');
  });

  it('refuses more than maxMultipartParts parts (200) in the framing pass, before busboy runs (920600)', () => {
    const parts = (count: number) => body(...Array.from({ length: count }, (_, i) => field(`f${i}`, 'v')));
    assert.equal(inspect(parts(200)), 'pass 0');
    assert.equal(inspect(parts(201)), 'block 403 920600');
    assert.match(inspectBody(TYPE, parts(201), block).matches[0]?.message ?? '', /more than 200 parts/);
    assert.equal(inspect(parts(3), compileFirewallConfig({ mode: 'block', maxMultipartParts: 2 })), 'block 403 920600');
    // About 1,150 one-character parts in 64 KiB: answered by the framing pass alone.
    const many = body(...Array.from({ length: 1150 }, (_, i) => field(String(i), 'v')));
    assert.ok(many.length < 65_536);
    const started = performance.now();
    for (let i = 0; i < 10; i++) assert.equal(inspect(many), 'block 403 920600');
    assert.ok(performance.now() - started < 200, 'ten refusals well within 200 ms');
  });
});
