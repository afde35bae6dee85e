/** A question, a paraphrase of it and an unrelated text: a sentence embedder should put the first two nearer. */
export const PARAPHRASE_PROBE = {
  question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
  paraphrase: 'In April Natalia sold clips to 48 friends, and in May she sold half as many clips.',
  unrelated: 'Prove that the sum of the angles of a triangle in the Euclidean plane is 180 degrees.',
} as const;

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    na += a[index]! ** 2;
    nb += b[index]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
