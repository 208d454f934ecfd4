/** The five languages Wakala speaks, in the order menus list them. */
export const LANGUAGES = ['en', 'zu', 'xh', 'af', 'st'] as const;

export type Language = (typeof LANGUAGES)[number];

/** True when `value` is one of the five language codes. */
export function isLanguage(value: unknown): value is Language {
  return (
    typeof value === 'string' &&
    (LANGUAGES as readonly string[]).includes(value)
  );
}
