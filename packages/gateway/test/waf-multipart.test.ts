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
function body(...parts: string[]): Buffer {
  return Buffer.from(`${parts.map((part) => `--XyZ\r\n${part}\r\n`).join('')}--XyZ--\r\n`, 'latin1');
}

const field = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

function summary(verdict: FirewallVerdict): string {
  return verdict.action === 'pass' ? `pass ${verdict.score}` : `${verdict.action} ${verdict.status} ${verdict.ruleId}`;
}

const inspect = (payload: Buffer, config = block, type = TYPE) => summary(inspectBody(type, payload, config));

describe('multipart inspection', () => {
  it('is wanted within the inspection limit, and not in off mode', () => {
    assert.equal(shouldInspectBody(TYPE, 1000, block), true);
    assert.equal(shouldInspectBody('Multipart/Form-Data; boundary=x', undefined, block), true);
    assert.equal(shouldInspectBody(TYPE, 70_000, block), false);
    assert.equal(shouldInspectBody(TYPE, 1000, off), false);
    assert.equal(shouldInspectBody('multipart/mixed; boundary=x', 1000, block), false);
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
      ['boundary outside RFC 2046', 'multipart/form-data; boundary=a<b', body(field('a', 'b'))],
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
    const large = compileFirewallConfig({ mode: 'block', bodyInspectionLimitBytes: 2 << 20 });
    const tail = body(field('q', `${'a '.repeat(600_000)}<script>alert(1)</script>`));
    assert.ok(tail.length > 1 << 20);
    assert.equal(inspect(tail, large), 'block 403 941100');
  });
});
