import assert from 'node:assert/strict';
import { daughters, smallestVisibleRatio } from '../../seed/phantom/kitaoka-rules.ts';

const degrees = (radians: number) => (radians * 180) / Math.PI;

describe('seed: Kitaoka flow-sharing rules', () => {
  it('a symmetric split gives Murray\'s 0.794 diameter ratio and 37.5° on both sides', () => {
    const d = daughters(10, 0.5);
    assert.ok(Math.abs(d.minorDiameter - 7.937005) < 1e-6);
    assert.ok(Math.abs(d.majorDiameter - 7.937005) < 1e-6);
    assert.ok(Math.abs(degrees(d.minorAngle) - 37.467311) < 1e-5);
    assert.ok(Math.abs(degrees(d.majorAngle) - 37.467311) < 1e-5);
  });

  it('an asymmetric split turns the minor daughter further and keeps d0³ = d1³ + d2³', () => {
    const d = daughters(1, 0.25);
    assert.ok(Math.abs(d.minorDiameter - 0.629961) < 1e-6);
    assert.ok(Math.abs(d.majorDiameter - 0.908560) < 1e-6);
    assert.ok(Math.abs(degrees(d.minorAngle) - 53.143673) < 1e-5);
    assert.ok(Math.abs(degrees(d.majorAngle) - 22.623143) < 1e-5);
    const tiny = daughters(1, 0.1);
    assert.ok(Math.abs(degrees(tiny.minorAngle) - 65.676759) < 1e-5);
    assert.ok(Math.abs(degrees(tiny.majorAngle) - 12.157828) < 1e-5);
    for (const r of [0.05, 0.2, 0.37, 0.5]) {
      const g = daughters(3, r);
      assert.ok(Math.abs(g.minorDiameter ** 3 + g.majorDiameter ** 3 - 27) < 1e-9, `r = ${r}`);
    }
  });

  it('refuses a flow ratio outside (0, 0.5]', () => {
    assert.throws(() => daughters(1, 0), RangeError);
    assert.throws(() => daughters(1, 0.6), RangeError);
  });

  it('the smallest visible share is (dmin / d0)³, above 0.5 when the parent is too thin to branch', () => {
    assert.equal(smallestVisibleRatio(6, 3), 0.125);
    assert.ok(smallestVisibleRatio(3.5, 3) > 0.5);
  });
});
