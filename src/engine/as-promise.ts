/**
 * Runs synchronous work behind a promise, so that a memory twin fails the
 * way its Redis sibling does: with a rejected promise, never a throw.
 */
export function asPromise<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
