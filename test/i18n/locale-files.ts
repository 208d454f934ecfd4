import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, type Language } from '../../src/i18n/index.ts';

/** The repository's locale folder. */
export const LOCALES_DIR = new URL('../../locales/', import.meta.url).pathname;

/** `namespace:dotted.key` → text, for one language. */
export type FlatTexts = Map<string, string>;

function flatten(
  value: unknown,
  prefix: string,
  into: FlatTexts,
  file: string,
): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: ${prefix} is neither a text nor an object`);
  }
  for (const [key, child] of Object.entries(value)) {
    flatten(
      child,
      prefix.endsWith(':') ? prefix + key : `${prefix}.${key}`,
      into,
      file,
    );
  }
}

/** Reads every namespace file of `language` into one flat map. */
export function readLocale(language: Language, dir = LOCALES_DIR): FlatTexts {
  const texts: FlatTexts = new Map();
  for (const file of readdirSync(join(dir, language))) {
    if (!file.endsWith('.json')) continue;
    const namespace = file.slice(0, -'.json'.length);
    const path = join(dir, language, file);
    flatten(
      JSON.parse(readFileSync(path, 'utf8')),
      `${namespace}:`,
      texts,
      path,
    );
  }
  return texts;
}

/** All five languages' texts. */
export function readAllLocales(dir = LOCALES_DIR): Record<Language, FlatTexts> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, readLocale(language, dir)]),
  ) as Record<Language, FlatTexts>;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A key without its i18next plural suffix, and the suffix (if any). */
export function splitPlural(key: string): { base: string; form?: string } {
  const match = PLURAL_SUFFIX.exec(key);
  return match
    ? { base: key.slice(0, match.index), form: match[1] }
    : { base: key };
}

/** The `{{name}}` placeholders of a text, sorted and unique. */
export function placeholders(text: string): string[] {
  const names = [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map(
    (match) => match[1] ?? '',
  );
  return [...new Set(names)].sort();
}
