import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, decodePolyline, parseUpload } from '../src/index.js';
import { fit, gpx, gzip, northwardTrack, utf8 } from './support/fixtures.js';
import { parseOne, runOf } from './support/outcomes.js';
import { rejection } from './support/rejection.js';

describe('parseUpload', () => {
  const text = gpx(northwardTrack(11, 1000, 300));

  it('gives the same bytes the same external_id, and a .gz the id of the file it holds', async () => {
    const plain = runOf(await parseOne('run.gpx', text));
    const again = runOf(await parseOne('copy.gpx', text));
    const gzipped = runOf(await parseOne('run.gpx.gz', gzip(text)));
    const changed = runOf(await parseOne('run.gpx', text.replace('creator="test"', 'creator="tesT"')));
    assert.equal(again.external_id, plain.external_id);
    assert.equal(gzipped.external_id, plain.external_id);
    assert.equal(gzipped.file_name, 'run.gpx.gz');
    assert.notEqual(changed.external_id, plain.external_id);
    assert.match(plain.external_id, /^sha256:[0-9a-f]{64}$/);
  });

  it('dispatches on content, not on the extension', async () => {
    const run = runOf(await parseOne('export.gpx', fit(northwardTrack(3, 100, 30, (i) => ({ distance: i * 100 })))));
    assert.equal(run.distance, 200);
  });

  it('parses a gzipped FIT file', async () => {
    const run = runOf(await parseOne('watch.fit.gz', gzip(fit(northwardTrack(3, 100, 30, (i) => ({ distance: i * 100 }))))));
    assert.equal(run.distance, 200);
  });

  it('refuses an upload over maxUploadBytes', async () => {
    const error = await rejection(parseUpload('run.gpx', utf8(text), { maxUploadBytes: 1000 }));
    assert.equal(error.code, 'too_large');
    assert.equal(error.message, `the upload is ${utf8(text).length} bytes, more than the limit of 1000`);
  });

  it('refuses an empty upload and one of another type', async () => {
    assert.equal((await rejection(parseUpload('run.gpx', new Uint8Array(0)))).code, 'unsupported_type');
    const pdf = await rejection(parseUpload('notes.pdf', utf8('%PDF-1.4 ...')));
    assert.equal(pdf.code, 'unsupported_type');
    assert.equal(pdf.message, 'notes.pdf is not a GPX, TCX or FIT file, a .gz of one, or a ZIP archive');
  });

  it('fails a file named like an activity file whose content is none', async () => {
    assert.deepEqual(await parseOne('run.fit', utf8('hello')), {
      file: 'run.fit',
      status: 'failed',
      error: 'not a GPX, TCX or FIT file (its content is none of them)',
    });
  });

  it('refuses a gzip bomb by its compression ratio, stopping the inflation at the limit', async () => {
    const bomb = gzip(new Uint8Array(50 * 1024 * 1024)); // 50 MiB of zeros in ~50 kB
    const error = await rejection(parseUpload('bomb.gpx.gz', bomb));
    assert.equal(error.code, 'compression_ratio');
    assert.equal(
      error.message,
      `bomb.gpx.gz decompresses to more than 100 times its compressed size (${bomb.length} bytes): refused as a decompression bomb`,
    );
  });

  it('refuses a .gz that decompresses beyond maxEntryBytes', async () => {
    const error = await rejection(parseUpload('run.gpx.gz', gzip(text), { maxEntryBytes: 1000 }));
    assert.equal(error.code, 'too_large');
    assert.equal(error.message, 'run.gpx.gz is larger than 1000 bytes uncompressed');
  });

  it('fails a corrupt .gz', async () => {
    const damaged = gzip(text);
    damaged.fill(0xff, 20, 60);
    const outcome = await parseOne('run.gpx.gz', damaged);
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { error: string }).error, /^corrupt gzip data: /);
  });

  it('fails a file whose parsing outlasts parseTimeoutMs, and parses the next one', async () => {
    const big = gpx(northwardTrack(150_000, 3, 1));
    assert.deepEqual(await parseOne('huge.gpx', big, { parseTimeoutMs: 20 }), {
      file: 'huge.gpx',
      status: 'failed',
      error: 'parsing took longer than 20 ms',
    });
    assert.equal((await parseOne('run.gpx', text)).status, 'parsed');
  });

  it('simplifies a long track to at most 500 polyline points', async () => {
    const zigzag = northwardTrack(5000, 5, 2).map((p, i) => ({ ...p, lon: 7 + (i % 2) * 0.0002 + Math.sin(i / 50) * 0.01 }));
    const run = runOf(await parseOne('long.gpx', gpx(zigzag)));
    const decoded = decodePolyline(run.summary_polyline!);
    assert.ok(decoded.length <= 500 && decoded.length >= 250, `polyline of ${decoded.length} points`);
    assert.deepEqual(decoded[0], [45, 7]);
  });

  it('rejects invalid limits', async () => {
    await assert.rejects(parseUpload('run.gpx', utf8(text), { maxEntries: -1 }), { name: 'TypeError', message: 'limit maxEntries must be a positive number, got -1' });
  });

  it('has the documented defaults', () => {
    assert.deepEqual(DEFAULT_LIMITS, {
      maxUploadBytes: 50 * 1024 * 1024,
      maxEntries: 5000,
      maxEntryBytes: 50 * 1024 * 1024,
      maxTotalUncompressedBytes: 1024 * 1024 * 1024,
      maxCompressionRatio: 100,
      maxTrackPoints: 200_000,
      parseTimeoutMs: 10_000,
    });
  });
});
