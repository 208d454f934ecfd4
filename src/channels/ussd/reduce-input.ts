/** The newest input of a USSD request and where the session now stands. */
export interface ReducedInput {
  /** What the person typed on the last screen (may contain `*`). */
  input: string;
  /** Segments of `text` consumed once this input is taken. */
  consumed: number;
  /** True when the stored position no longer matched the text. */
  isResynced: boolean;
}

/**
 * Reduces the cumulative `text` of a gateway (`1*2*Soweto`) to the newest
 * input.
 *
 * The rule for `*` inside an answer: we remember, per USSD session, how
 * many `*`-separated segments earlier requests already consumed, and the
 * newest input is every segment after them joined again by `*`. So a
 * person who types `12*3` as an address gets `12*3`, not `3`. Splitting on
 * the last `*` alone (the common practice) would cut such answers.
 *
 * When the position is unknown (`consumed` undefined: the session state
 * was lost) or impossible (the text has fewer segments than consumed, as a
 * gateway that rewrites history would send), only the last segment is
 * taken: the best guess, flagged with `isResynced`.
 */
export function reduceInput(
  text: string,
  consumed: number | undefined,
): ReducedInput {
  if (text === '') return { input: '', consumed: 0, isResynced: false };
  const segments = text.split('*');
  if (consumed === undefined || consumed >= segments.length) {
    return {
      input: segments[segments.length - 1] ?? '',
      consumed: segments.length,
      isResynced: true,
    };
  }
  return {
    input: segments.slice(consumed).join('*'),
    consumed: segments.length,
    isResynced: false,
  };
}

/**
 * The step number of a request: how many segments its text holds. It is
 * computed from the request alone, so a gateway's retry of the same
 * request gets the same step, and so the same message id for de-duplication.
 */
export function stepOf(text: string): number {
  return text === '' ? 0 : text.split('*').length;
}
