/** The Range and If-Range decisions of a download (server/releases/byte-range.ts), by hand on a 100-byte file. */
import assert from 'node:assert/strict';
import { decideRange, ifRangeHolds } from '../../server/releases/byte-range.ts';

describe('byte ranges', () => {
  it('serves one range as partial, clamping its end to the file', () => {
    assert.deepEqual(decideRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decideRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
    assert.deepEqual(decideRange('bytes=95-500', 100), { kind: 'partial', start: 95, end: 99 });
    assert.deepEqual(decideRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
    assert.deepEqual(decideRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  });

  it('refuses a range that starts past the end, and an empty suffix', () => {
    assert.deepEqual(decideRange('bytes=100-', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=-0', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  });

  it('answers several ranges, malformed headers and other units with the whole file', () => {
    for (const header of ['bytes=0-1,5-6', 'bytes=9-2', 'bytes=a-b', 'items=0-1', 'bytes=-', '', undefined]) {
      assert.deepEqual(decideRange(header, 100), { kind: 'whole' }, String(header));
    }
  });

  it('applies If-Range only when it names the current ETag', () => {
    assert.equal(ifRangeHolds(undefined, '"abc"'), true);
    assert.equal(ifRangeHolds('"abc"', '"abc"'), true);
    assert.equal(ifRangeHolds('"old"', '"abc"'), false);
    assert.equal(ifRangeHolds('Wed, 21 Oct 2015 07:28:00 GMT', '"abc"'), false);
  });
});
