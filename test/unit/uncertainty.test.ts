import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uncertaintyEvidence, uncertaintyScore } from '../../src/matte/uncertainty.ts';

const S = 128;

/** A disc matte with a 2-px ramp, and optionally a grey blob the network could not decide on. */
function matte(options: { blob?: number; shift?: number } = {}) {
  const data = new Float32Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const d = Math.hypot(x - 64 - (options.shift ?? 0), y - 64) - 30;
      data[y * S + x] = Math.min(1, Math.max(0, 0.5 - d / 2));
      if (options.blob && Math.hypot(x - 110, y - 20) < 14) data[y * S + x] = options.blob;
    }
  }
  return { data, width: S, height: S };
}

describe('uncertaintyScore', () => {
  test('a clean outline scores low; an undecided region scores higher; in 0..1', () => {
    const clean = uncertaintyScore(uncertaintyEvidence(matte()));
    const ambiguous = uncertaintyScore(uncertaintyEvidence(matte({ blob: 0.5 })));
    assert.ok(clean >= 0 && clean < 0.25, `clean ${clean}`);
    assert.ok(ambiguous > clean + 0.25, `ambiguous ${ambiguous} vs clean ${clean}`);
    assert.ok(ambiguous <= 1);
  });

  test('grey away from any outline counts as interior; the ramp of an outline does not', () => {
    const clean = uncertaintyEvidence(matte());
    assert.ok(clean.softness > 0, 'the outline has a ramp');
    assert.equal(clean.interior, 0);
    const blob = uncertaintyEvidence(matte({ blob: 0.3 }));
    assert.ok(blob.interior > 0.5 * (blob.softness - clean.softness), `interior ${blob.interior}, softness ${blob.softness} vs ${clean.softness}`);
  });

  test('rises when the mirrored pass disagrees', () => {
    const m = matte();
    const agree = uncertaintyScore(uncertaintyEvidence(m, matte()));
    const disagree = uncertaintyScore(uncertaintyEvidence(m, matte({ shift: 6 })));
    assert.ok(disagree > agree + 0.1, `${disagree} vs ${agree}`);
    assert.equal(uncertaintyEvidence(m, m).disagreement, 0);
  });
});
