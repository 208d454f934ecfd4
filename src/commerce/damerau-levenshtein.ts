/**
 * Edit distance between two strings counting insertions, deletions,
 * substitutions and swaps of two neighbouring characters (the optimal
 * string alignment form of Damerau-Levenshtein): "bred" to "bread" is 1,
 * "sugra" to "sugar" is 1. Stops early and returns `limit + 1` once the
 * distance must exceed `limit`, which keeps searching a catalogue cheap.
 */
export function damerauLevenshtein(
  a: string,
  b: string,
  limit = Number.POSITIVE_INFINITY,
): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length === 0 || b.length === 0) return Math.max(a.length, b.length);

  // Three rolling rows: the swap rule looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);

  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        at(previous, j) + 1,
        at(current, j - 1) + 1,
        at(previous, j - 1) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(before, j - 2) + 1);
      }
      current[j] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  const distance = at(previous, b.length);
  return distance > limit ? limit + 1 : distance;
}

function at(row: number[], index: number): number {
  // Indices stay inside the rows by construction.
  return row[index] ?? Number.POSITIVE_INFINITY;
}
