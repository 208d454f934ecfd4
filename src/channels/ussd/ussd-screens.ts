import { LANGUAGES, translate, type Language } from '../../i18n/index.ts';
import type { ScreenLine } from './page-screen.ts';
import {
  renderChannelScreen,
  type HeaderText,
  type RenderUssdScreenOptions,
  type UssdScreen,
} from './render-ussd-screen.ts';
import type { TurnResult } from '../../engine/index.ts';
import type { UssdSessionState } from './ussd-store.ts';

/** The screen state of a freshly rendered screen, on its first page. */
export function firstPage(
  screen: UssdScreen,
): Pick<UssdSessionState, 'pages' | 'page' | 'isEnd'> {
  return { pages: screen.pages, page: 0, isEnd: screen.isEnd };
}

/**
 * Pages a long screen without a turn: `98` shows the next page and `0` the
 * previous one while there is one; on the first and last pages the same
 * digits belong to the flow (its own back and more). An empty input shows
 * the page again. Returns undefined when the input is for the flow.
 */
export function pageLocally(
  state: UssdSessionState,
  input: string,
): UssdSessionState | undefined {
  if (input === '') return state;
  if (input === '98' && state.page < state.pages.length - 1) {
    return { ...state, page: state.page + 1 };
  }
  if (input === '0' && state.page > 0) {
    return { ...state, page: state.page - 1 };
  }
  return undefined;
}

/** The channel's own screens, built from its `ussd:` texts. */
export function createChannelScreens(render: RenderUssdScreenOptions) {
  const screen = (
    keys: HeaderText[],
    language: Language,
    lines: ScreenLine[] = [],
    isEnd = false,
  ) => renderChannelScreen(keys, lines, language, { ...render, isEnd });
  return {
    unknownCode: () => screen(['ussd:unknown_code'], 'en', [], true),
    dialAgain: (language: Language) =>
      screen(['ussd:dial_again'], language, [], true),
    error: (language: Language) => screen(['ussd:error'], language, [], true),
    enterCode: (language: Language, isRetry: boolean) =>
      screen(
        [isRetry ? 'ussd:shop.code_not_found' : 'ussd:shop.enter_code'],
        language,
      ),
    /**
     * The store-code prompt for a contact of whom nothing is known yet: one
     * short line in each of the five languages, so nobody meets a language
     * they do not read before they reach a shop.
     */
    enterCodeEveryLanguage: (isRetry: boolean) =>
      screen(
        LANGUAGES.map((language) => ({
          key: isRetry
            ? 'ussd:shop.code_not_found_short'
            : 'ussd:shop.enter_code_short',
          language,
        })),
        'en',
      ),
    chooseShop: (language: Language, shopName: string) =>
      screen(['ussd:shop.choose'], language, [
        { digits: '1', label: shopName },
        {
          digits: '2',
          label: translate(language, { key: 'ussd:shop.other' }),
        },
      ]),
  };
}

export type ChannelScreens = ReturnType<typeof createChannelScreens>;

/**
 * Waits for `promise` at most `ms`; undefined when it is late. The promise
 * keeps running: the turn runner finishes or abandons its work on its own,
 * so the conversation stays consistent either way.
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A stand-in result when the runner threw or did not answer in time. */
export function syntheticResult(
  status: 'failed' | 'timed_out',
  language: Language,
): TurnResult {
  return {
    status,
    replies: [],
    language,
    isEnded: true,
    turnId: '',
    isRetryable: false,
    failures: [],
  };
}
