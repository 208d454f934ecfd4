import type {
  FlowEvent,
  InboundMessage,
  TurnResult,
  TurnRunner,
} from '../../engine/index.ts';
import type { Language } from '../../i18n/index.ts';
import { errorCode } from '../../shared/errors.ts';
import { hashPhone, type Logger } from '../../shared/logger.ts';
import { reduceInput, stepOf } from './reduce-input.ts';
import {
  renderUssdScreen,
  type RenderUssdScreenOptions,
  type UssdScreen,
} from './render-ussd-screen.ts';
import type { UssdRequest, UssdResponse } from './ussd-gateway.ts';
import type { UssdTenant, UssdTenantResolver } from './ussd-ports.ts';
import {
  createChannelScreens,
  type ChannelScreens,
  firstPage,
  pageLocally,
  syntheticResult,
  withDeadline,
} from './ussd-screens.ts';
import type { UssdSessionState, UssdStore } from './ussd-store.ts';

export interface UssdConversationOptions {
  resolveTenant: UssdTenantResolver;
  turnRunner: TurnRunner;
  store: UssdStore;
  logger: Logger;
  budgetMs: number;
  render: RenderUssdScreenOptions;
  clock: () => number;
}

/** Extra time the runner gets past its budget before we stop waiting. */
const RUNNER_GRACE_MS = 40;
/** Store codes are short letters and digits; anything else is not one. */
const STORE_CODE = /^[A-Za-z0-9-]{1,20}$/;

/** One request being answered. */
interface Step {
  request: UssdRequest;
  step: number;
  consumed: number;
  startedAt: number;
  contactHash: string;
}

type ScreenState = Omit<UssdSessionState, 'consumed' | 'lastStep'>;

/**
 * Answers one USSD request: replays a retried step, pages a long screen
 * locally, picks the shop on a shared code, and otherwise runs one turn of
 * the tenant's flow within the time budget.
 */
export class UssdConversation {
  private readonly screens: ChannelScreens;

  constructor(private readonly options: UssdConversationOptions) {
    this.screens = createChannelScreens(this.options.render);
  }

  private show(state: UssdSessionState): UssdResponse {
    return {
      screen: state.pages[state.page] ?? '',
      isEnd: state.isEnd && state.page >= state.pages.length - 1,
    };
  }

  // Known shortcoming: two requests of one gateway session at the same time
  // (which gateways do not send) would race on this state; the engine's
  // conversation lock still keeps the flow itself consistent.
  private async save(step: Step, state: ScreenState): Promise<UssdResponse> {
    const full = { ...state, consumed: step.consumed, lastStep: step.step };
    await this.options.store.saveSession(step.request.sessionId, full);
    return this.show(full);
  }

  /** Asks for a store code; with no language known, in all five. */
  private askStoreCode(
    step: Step,
    language: Language | undefined,
    isRetry: boolean,
  ) {
    if (language === undefined) {
      const screen = this.screens.enterCodeEveryLanguage(isRetry);
      return this.save(step, {
        phase: 'entering_code',
        language: 'en',
        isLanguageUnknown: true,
        ...firstPage(screen),
      });
    }
    const screen = this.screens.enterCode(language, isRetry);
    return this.save(step, {
      phase: 'entering_code',
      language,
      ...firstPage(screen),
    });
  }

  private async firstRequest(step: Step): Promise<UssdResponse> {
    const { serviceCode, phone } = step.request;
    const resolution = await this.options.resolveTenant.byUssdCode(serviceCode);
    if (resolution.kind === 'unknown') {
      this.options.logger.warn(
        { serviceCode, contactHash: step.contactHash },
        'ussd unknown service code',
      );
      return { screen: this.screens.unknownCode().pages[0] ?? '', isEnd: true };
    }
    if (resolution.kind === 'tenant') {
      const { id } = resolution.tenant;
      return this.runTurn(step, id, { type: 'user.start' }, { language: 'en' });
    }
    const lastShop = await this.options.store.getLastShop(serviceCode, phone);
    if (!lastShop) return this.askStoreCode(step, undefined, false);
    const screen = this.screens.chooseShop(lastShop.language, lastShop.name);
    return this.save(step, {
      phase: 'choosing_shop',
      language: lastShop.language,
      storeCode: lastShop.storeCode,
      storeName: lastShop.name,
      ...firstPage(screen),
    });
  }

  private async enterShop(
    step: Step,
    state: UssdSessionState,
    storeCode: string,
  ): Promise<UssdResponse> {
    const resolution = STORE_CODE.test(storeCode)
      ? await this.options.resolveTenant.byStoreCode(
          step.request.serviceCode,
          storeCode,
        )
      : undefined;
    if (resolution?.kind !== 'tenant') {
      const known = state.isLanguageUnknown ? undefined : state.language;
      return this.askStoreCode(step, known, true);
    }
    const tenant: UssdTenant = resolution.tenant;
    const previous = {
      language: state.language,
      storeCode,
      storeName: tenant.name,
    };
    return this.runTurn(
      step,
      tenant.id,
      { type: 'user.start' },
      previous,
      true,
    );
  }

  private async callRunner(
    step: Step,
    tenantId: string,
    event: FlowEvent,
    language: Language,
  ): Promise<TurnResult> {
    const { request } = step;
    const message: InboundMessage = {
      id: `${request.sessionId}:${step.step}`,
      tenantId,
      channel: 'ussd',
      contact: { id: request.phone, phone: request.phone },
      event,
      receivedAt: step.startedAt,
    };
    const elapsed = this.options.clock() - step.startedAt;
    const budgetMs = Math.max(1, this.options.budgetMs - elapsed);
    try {
      const result = await withDeadline(
        this.options.turnRunner.handle(message, { budgetMs }),
        budgetMs + RUNNER_GRACE_MS,
      );
      return result ?? syntheticResult('timed_out', language);
    } catch (error) {
      this.options.logger.error(
        { err: error, code: errorCode(error), tenantId, step: step.step },
        'ussd turn threw',
      );
      return syntheticResult('failed', language);
    }
  }

  private async runTurn(
    step: Step,
    tenantId: string,
    event: FlowEvent,
    previous: Partial<UssdSessionState> & { language: Language },
    isNewShop = false,
  ): Promise<UssdResponse> {
    const turn = await this.callRunner(
      step,
      tenantId,
      event,
      previous.language,
    );
    const screen = this.screenFor(turn, previous);
    this.options.logger.info(
      {
        tenantId,
        turnId: turn.turnId,
        status: turn.status,
        step: step.step,
        durationMs: this.options.clock() - step.startedAt,
        contactHash: step.contactHash,
      },
      'ussd turn completed',
    );
    const { storeCode, storeName } = previous;
    const hasNewLanguage = turn.language !== previous.language;
    if (storeCode && storeName && (isNewShop || hasNewLanguage)) {
      await this.options.store.saveLastShop(
        step.request.serviceCode,
        step.request.phone,
        {
          storeCode,
          name: storeName,
          language: turn.language,
        },
      );
    }
    return this.save(step, {
      ...previous,
      phase: 'in_flow',
      tenantId,
      language: turn.language,
      ...firstPage(screen),
    });
  }

  private screenFor(
    turn: TurnResult,
    previous: Partial<UssdSessionState>,
  ): UssdScreen {
    // Timed out, or not run at all (the conversation was busy): either way
    // the flow is consistent and a new dial continues from there.
    if (turn.status === 'timed_out' || turn.isRetryable) {
      return this.screens.dialAgain(turn.language);
    }
    if (turn.status === 'duplicate' && previous.pages?.length) {
      return { pages: previous.pages, isEnd: previous.isEnd ?? false };
    }
    if (turn.replies.length === 0) return this.screens.error(turn.language);
    const screen = renderUssdScreen(
      turn.replies,
      turn.language,
      this.options.render,
    );
    // A failed turn leaves the flow where it was; the person dials again
    // rather than answering a screen that only apologises.
    const isEnd = screen.isEnd || turn.isEnded || turn.status === 'failed';
    return { pages: screen.pages, isEnd };
  }

  /** Answers one parsed request; `startedAt` starts the time budget. */
  async answer(request: UssdRequest, startedAt: number): Promise<UssdResponse> {
    const step: Step = {
      request,
      step: stepOf(request.text),
      consumed: 0,
      startedAt,
      contactHash: hashPhone(request.phone),
    };
    const state = await this.options.store.getSession(request.sessionId);
    if (state && step.step === state.lastStep) return this.show(state);
    const reduced = reduceInput(request.text, state?.consumed);
    step.consumed = reduced.consumed;
    // Text without a stored state means the state was lost (expired in a
    // long session): start again; the flow offers to continue the checkout.
    if (!state) return this.firstRequest(step);
    const input = reduced.input.trim();
    const paged = pageLocally(state, input);
    if (paged) return this.save(step, paged);
    if (state.phase === 'choosing_shop') {
      if (input === '1' && state.storeCode) {
        return this.enterShop(step, state, state.storeCode);
      }
      if (input === '2') return this.askStoreCode(step, state.language, false);
      return this.save(step, state);
    }
    if (state.phase === 'entering_code') {
      return this.enterShop(step, state, input);
    }
    const event: FlowEvent = { type: 'user.text', text: reduced.input };
    return this.runTurn(step, state.tenantId ?? '', event, state);
  }
}
