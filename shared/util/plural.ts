/** "1 row", "2 rows", "0 rows": a count with its noun in the right number (`plural` for irregular nouns). */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
