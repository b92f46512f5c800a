/**
 * The two roundings the official ATM'22 code uses, reproduced bit for bit.
 *
 * - `numpyRound(x, d)`: `round()` on a NumPy float64 scalar = NumPy's `around`: multiply by 10^d in float64,
 *   round half to even (`rint`), divide by 10^d. 2.675 → 2.68 (2.675 · 100 is 267.49999999999997… no: it is
 *   267.5 in float64, so it rounds to even 268).
 * - `pythonRound(x, d)`: `round()` on a Python float = correctly rounded to d decimals of the exact binary value,
 *   ties to even. 2.675 (really 2.67499999…) → 2.67.
 */

/** Round half to even of a float64 (C's `rint` in the default rounding mode). */
export function roundHalfEven(y: number): number {
  const f = Math.floor(y);
  const diff = y - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function numpyRound(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return roundHalfEven(x * scale) / scale;
}

/** Mantissa (integer) and exponent with x = mantissa · 2^exponent, for finite non-zero x. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** Is x exactly halfway between two multiples of 10^-d? */
function isExactTie(x: number, decimals: number): boolean {
  if (x === 0 || !Number.isFinite(x)) return false;
  // x·10^d·2 = mantissa · 2^(exponent+1+d) · 5^d must be an odd integer.
  const { mantissa, exponent } = decompose(x);
  const shift = exponent + 1 + decimals;
  if (shift > 0) return false; // an even integer
  let m = mantissa;
  const twos = -shift;
  for (let t = 0; t < twos; t++) {
    if (m % 2n !== 0n) return false;
    m /= 2n;
  }
  return m % 2n === 1n; // 5^d is odd, so parity is the mantissa's
}

export function pythonRound(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  // toFixed rounds the exact binary value correctly, but resolves exact ties away from zero.
  const rounded = Number(x.toFixed(decimals));
  if (!isExactTie(x, decimals)) return rounded;
  const scale = 10 ** decimals;
  const lower = Number((Math.sign(x) * Math.floor(Math.abs(x) * scale)).toFixed(0));
  const even = lower % 2 === 0 ? lower : lower + Math.sign(x);
  return Number((even / scale).toFixed(decimals));
}
