import { tenantDb } from '../tenancy/index.ts';
import { toProductSummary, type ProductSummary } from './catalogue.ts';
import { damerauLevenshtein } from './damerau-levenshtein.ts';

/** Options for `searchProducts`. */
export interface SearchProductsOptions {
  /** Most results to return: 1 to 50, 10 when left out. */
  limit?: number;
}

/** The fields of a product the ranking reads. */
export interface SearchableProduct {
  id: string;
  name: string;
  priceCents: number;
  stockQuantity: number;
}

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

/**
 * Finds the shop's active products whose names match the typed words,
 * forgiving small typos ("bred" finds "White bread 700g", "sunlite" finds
 * "Sunlight soap 750g"), best matches first.
 *
 * Known limit: every active product name is loaded and ranked in process.
 * That is fast for a township shop's catalogue (hundreds of products, a few
 * thousand at most); a far larger catalogue would need an index on the
 * database side (pg_trgm) to pick candidates first.
 */
export async function searchProducts(
  query: string,
  options: SearchProductsOptions = {},
): Promise<ProductSummary[]> {
  const limit = Math.min(
    Math.max(1, Math.floor(clampable(options.limit, DEFAULT_LIMIT))),
    MAX_LIMIT,
  );
  if (searchWords(query).length === 0) return [];
  const products = await tenantDb().product.findMany({
    where: { isActive: true },
    select: { id: true, name: true, priceCents: true, stockQuantity: true },
  });
  return rankProducts(query, products, limit).map(toProductSummary);
}

/**
 * Orders `products` by how well their names match `query` and drops those
 * that match no word. More matched words rank first, then closer matches,
 * then in-stock products, then the name. Pure, so it is tested alone.
 */
export function rankProducts<T extends SearchableProduct>(
  query: string,
  products: readonly T[],
  limit: number,
): T[] {
  const queryWords = searchWords(query);
  const scored: Array<{ product: T; matched: number; score: number }> = [];
  for (const product of products) {
    const candidates = candidateWords(product.name);
    let matched = 0;
    let score = 0;
    for (const word of queryWords) {
      const best = Math.max(0, ...candidates.map((c) => wordScore(word, c)));
      if (best > 0) matched += 1;
      score += best;
    }
    if (matched > 0) scored.push({ product, matched, score });
  }
  scored.sort(
    (x, y) =>
      y.matched - x.matched ||
      y.score - x.score ||
      Number(y.product.stockQuantity > 0) -
        Number(x.product.stockQuantity > 0) ||
      x.product.name.localeCompare(y.product.name),
  );
  return scored.slice(0, limit).map((entry) => entry.product);
}

/**
 * Splits text into lower-case words without accents or punctuation, so
 * "Crème" and "creme", "Coca-Cola" and "coca cola" compare equal.
 */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .map((word) => word.replace(/^\.+|\.+$/g, ''))
    .filter((word) => word.length > 0);
}

/**
 * The words a query word is compared with: each word of the name and each
 * pair of neighbours joined, so "cocacola" still finds "Coca-Cola 2L".
 */
function candidateWords(name: string): string[] {
  const words = searchWords(name);
  const pairs = words.slice(1).map((word, i) => `${words[i] ?? ''}${word}`);
  return [...words, ...pairs];
}

/**
 * How well one typed word matches one word of a name: 100 equal, 80 a
 * prefix (two letters or more), 70 a spelling variant (see `fold`), 60 one
 * typo, 50 two typos, 45 or 35 a typo in the start of a longer word (a word
 * still being typed: "sugr" for "sugar"), else 0. The typo allowance
 * follows the typed word's length: none up to 3 letters (too many short
 * words sit one edit apart), 1 edit for 4 to 7 letters, 2 for longer.
 */
function wordScore(typed: string, word: string): number {
  if (typed === word) return 100;
  if (typed.length >= 2 && word.startsWith(typed)) return 80;
  const allowance = typed.length >= 8 ? 2 : typed.length >= 4 ? 1 : 0;
  if (allowance === 0) return 0;
  const foldedTyped = fold(typed);
  const foldedWord = fold(word);
  if (foldedTyped === foldedWord) return 70;
  const whole = Math.min(
    damerauLevenshtein(typed, word, allowance),
    damerauLevenshtein(foldedTyped, foldedWord, allowance),
  );
  if (whole <= allowance) return 70 - 10 * whole;
  if (word.length <= typed.length) return 0;
  const start = damerauLevenshtein(
    typed,
    word.slice(0, typed.length),
    allowance,
  );
  return start <= allowance ? 55 - 10 * start : 0;
}

/**
 * Folds spellings that sound alike in shop talk, so they compare equal:
 * "lite"/"light", "ph"/"f", "ck"/"k", doubled letters. Applied to both
 * sides, only as an extra chance to match.
 */
function fold(word: string): string {
  return word
    .replace(/ight/g, 'ite')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/(\p{L})\1+/gu, '$1');
}

/** `value` when it is a finite number, else `fallback` (NaN would empty). */
function clampable(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
