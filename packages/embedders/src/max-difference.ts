/** The largest absolute difference between two lists of vectors, coordinate by coordinate. */
export function maxDifference(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let largest = 0;
  a.forEach((vector, row) => {
    for (let dim = 0; dim < vector.length; dim++)
      largest = Math.max(largest, Math.abs(vector[dim]! - b[row]![dim]!));
  });
  return largest;
}
