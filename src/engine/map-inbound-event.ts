import type { FlowEvent } from './inbound-event.ts';
import type { MenuEntry } from './session-envelope.ts';

// '00' is the main-menu digit of the numbering every channel shows
// (ROLE_DIGITS in src/flows/reply.ts).
const MENU_WORDS = new Set(['menu', '0', '00']);

/**
 * Turns what the contact typed into what the flow should see: the digits of
 * an option of the last menu become that option's `user.choice` (so flows
 * receive option ids whatever the channel), and `menu` or `0` typed where no
 * option answers to it becomes `user.menu`. Everything else passes as is.
 */
export function mapInboundEvent(
  event: FlowEvent,
  menu: readonly MenuEntry[],
): FlowEvent {
  if (event.type !== 'user.text') return event;
  const typed = event.text.trim().toLowerCase();
  const entry = menu.find(([digits]) => digits === typed);
  if (entry) return { type: 'user.choice', optionId: entry[1] };
  if (MENU_WORDS.has(typed)) return { type: 'user.menu' };
  return event;
}
