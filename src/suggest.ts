/**
 * "did you mean" suggestions, the one implementation for the config, playbooks and the CLI: the closest candidate by
 * edit distance when it is close enough to be a typo, a case/kebab spelling of a snake_case key, or an abbreviation.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: "heatlh" -> "health" is 1). */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // One flat row-major table: d[i * width + j] is the distance between a[0..i) and b[0..j).
  const d = new Uint16Array((a.length + 1) * width);
  const at = (i: number, j: number) => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate closest to `input`, if within about a third of its length (at least 1, at most 3 edits). */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = input.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of list) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Also catch camelCase / kebab-case spellings of a snake_case key.
  const normalized = snakeCase(input);
  if (normalized !== input && list.includes(normalized)) return normalized;
  if (bestDistance <= limit) return best;
  // An abbreviation ("prod" for "production") is a typo of a kind too.
  const expanded = lower.length >= 3 ? list.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
  // So is another tool's longer name for the same key ("healthcheck" from compose for "health").
  return expanded ?? list.find((c) => c.length >= 4 && lower.startsWith(c.toLowerCase()));
}

export function snakeCase(input: string): string {
  return input
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toLowerCase();
}

/** `, did you mean "x"?` to append to a message, or "" when no candidate is close. */
export function didYouMeanText(input: string, candidates: Iterable<string>): string {
  const match = didYouMean(input, candidates);
  return match ? `, did you mean "${match}"?` : "";
}
