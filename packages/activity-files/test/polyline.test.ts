import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePolyline, encodePolyline } from '../src/index.js';
import { simplifyToAtMost } from '../src/simplify.js';

describe('encoded polyline', () => {
  it("encodes Google's documented example", () => {
    assert.equal(encodePolyline([[38.5, -120.2], [40.7, -120.95], [43.252, -126.453]]), '_p~iF~ps|U_ulLnnqC_mqNvxq`@');
  });

  it('decodes what it encodes to within the 1e-5 degree precision', () => {
    const points: [number, number][] = [[-33.8688197, 151.2092955], [0, 0], [89.99999, -179.99999], [51.4778, -0.0015]];
    const decoded = decodePolyline(encodePolyline(points));
    assert.equal(decoded.length, points.length);
    decoded.forEach(([lat, lng], i) => {
      assert.ok(Math.abs(lat - points[i]![0]) <= 0.000005 && Math.abs(lng - points[i]![1]) <= 0.000005, `point ${i}`);
    });
  });

  it('encodes an empty track as an empty string', () => {
    assert.equal(encodePolyline([]), '');
    assert.deepEqual(decodePolyline(''), []);
  });

  it('refuses a truncated or invalid polyline', () => {
    assert.throws(() => decodePolyline('_p~iF~ps|U_'), { name: 'TypeError', message: 'truncated polyline' });
    assert.throws(() => decodePolyline('_p~iF ps|U'), { name: 'TypeError', message: 'invalid polyline character at 5' });
  });

  it('simplifies to at most the asked number of points, keeping both ends and the shape', () => {
    const circle = Array.from({ length: 5000 }, (_, i): [number, number] => [45 + Math.sin((i / 5000) * 2 * Math.PI) / 100, 7 + Math.cos((i / 5000) * 2 * Math.PI) / 100]);
    const simplified = simplifyToAtMost(circle, 500);
    assert.ok(simplified.length <= 500 && simplified.length > 100, `${simplified.length} points`);
    assert.deepEqual(simplified[0], circle[0]);
    assert.deepEqual(simplified[simplified.length - 1], circle[circle.length - 1]);
    assert.deepEqual(simplifyToAtMost(circle.slice(0, 10), 500), circle.slice(0, 10));
  });
});
