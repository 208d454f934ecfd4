import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource, type TFunction } from 'i18next';
import type { I18nText } from '../flows/reply.ts';
import { LANGUAGES, type Language } from './languages.ts';

const LOCALES_DIR = new URL('../../locales/', import.meta.url).pathname;

let instance: i18n | undefined;
const fixedTs = new Map<Language, TFunction>();

/** Reads every `locales/<lang>/<namespace>.json` file. */
function loadResources(dir: string): Resource {
  const resources: Resource = {};
  for (const language of LANGUAGES) {
    const languageDir = join(dir, language);
    resources[language] = {};
    if (!existsSync(languageDir)) continue;
    for (const file of readdirSync(languageDir)) {
      if (!file.endsWith('.json')) continue;
      const namespace = file.slice(0, -'.json'.length);
      resources[language][namespace] = JSON.parse(
        readFileSync(join(languageDir, file), 'utf8'),
      ) as Resource[string][string];
    }
  }
  return resources;
}

/**
 * Loads the locale files once, synchronously, into one i18next instance.
 * Per turn, texts are translated with a fixed-language `t` (cheap), never a
 * cloned instance (hundreds of times slower, see DEPENDENCIES.md).
 */
export function initI18n(localesDir: string = LOCALES_DIR): i18n {
  if (instance) return instance;
  const resources = loadResources(localesDir);
  const namespaces = Object.keys(resources.en ?? {});
  const created = i18next.createInstance();
  void created.init({
    resources,
    lng: 'en',
    fallbackLng: 'en',
    ns: namespaces,
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

function fixedT(language: Language): TFunction {
  let t = fixedTs.get(language);
  if (!t) {
    t = initI18n().getFixedT(language);
    fixedTs.set(language, t);
  }
  return t;
}

/** Translates one reply text into `language`, nested texts first. */
export function translate(language: Language, text: I18nText): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params ?? {})) {
    params[name] =
      typeof value === 'object' ? translate(language, value) : value;
  }
  return fixedT(language)(text.key, params);
}

/** True when `key` exists in `language` itself (no English fallback). */
export function hasTranslation(language: Language, key: string): boolean {
  return initI18n().exists(key, { lng: language, fallbackLng: false });
}
