/**
 * Plain numbers read without the CAS (fast path): integers and decimals (`.5`, `-0.50`),
 * scientific notation (`1.5\times10^{3}`, `1.5\cdot 10^{-3}`, `2e5`), fractions (`\frac{3}{4}`,
 * `-\frac{3}{4}`, `\frac{-3}{4}`, `3/4`) and mixed numbers (`2\frac{1}{2}` = 2.5, as written in
 * MATH answers; the CAS would read it as a product).
 */
export function numericValue(text: string): number | null {
  const plain = DECIMAL.exec(text);
  if (plain !== null) return Number(text);
  const scientific = SCIENTIFIC.exec(text);
  if (scientific !== null)
    return Number(`${scientific[1]}e${scientific[2] ?? scientific[3] ?? scientific[4]}`);
  const fraction = FRACTION.exec(text);
  if (fraction !== null) {
    const value = Number(fraction[2]) / Number(fraction[3]);
    return fraction[1] === '-' ? -value : value;
  }
  const slash = SLASH.exec(text);
  if (slash !== null) return Number(slash[1]) / Number(slash[2]);
  const mixed = MIXED.exec(text);
  if (mixed !== null) {
    const value = Number(mixed[2]) + Number(mixed[3]) / Number(mixed[4]);
    return mixed[1] === '-' ? -value : value;
  }
  return null;
}

const NUMBER = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)`;
const DECIMAL = new RegExp(`^${NUMBER}$`);
const SCIENTIFIC = new RegExp(
  String.raw`^(${NUMBER})(?:(?:\\times|\\cdot|\*)10\^(?:\{(-?\d+)\}|(-?\d))|[eE]([-+]?\d+))$`,
);
const FRACTION = new RegExp(String.raw`^(-?)\\frac\{(${NUMBER})\}\{(${NUMBER})\}$`);
const SLASH = new RegExp(`^(${NUMBER})/(${NUMBER})$`);
const MIXED = /^(-?)(\d+)\\frac\{(\d+)\}\{(\d+)\}$/;

/** Relative tolerance of numeric comparisons. */
export const RELATIVE_TOLERANCE = 1e-6;
/** Absolute tolerance, for values near zero. */
export const ABSOLUTE_TOLERANCE = 1e-9;

/**
 * |a − b| ≤ max(absolute, relative · max(|a|, |b|)); two whole numbers below 2^53 must be equal
 * exactly (so `2^{20}` is not `1048575`); NaN and infinities are never close.
 */
export function numbersClose(
  a: number,
  b: number,
  relative = RELATIVE_TOLERANCE,
  absolute = ABSOLUTE_TOLERANCE,
): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a === b;
  return Math.abs(a - b) <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
}
