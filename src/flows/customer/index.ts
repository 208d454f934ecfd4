import { randomBytes } from 'node:crypto';
import type { Channel, Contact } from '../../engine/inbound-event.ts';
import { isE164 } from '../../shared/index.ts';
import type { ResolvedTenant } from '../../tenancy/tenant-context.ts';
import { CUSTOMER_CONTEXT_DEFAULTS, type CustomerInput } from './context.ts';
import { customerMachine } from './machine.ts';

export type {
  CustomerContext,
  CustomerEvent,
  CustomerInput,
} from './context.ts';
export { OPTION, OPTION_PREFIX } from './option-ids.ts';
export { LANGUAGE_WORDS } from './typed-input.ts';
export { CONSENT_NOTICE_VERSION } from './actors.ts';
export { customerMachine };

/** How a conversation starts: the engine's `FlowStart`, structurally. */
export interface CustomerFlowStart {
  contact: Contact;
  channel: Channel;
  tenant: ResolvedTenant;
}

/**
 * Input of a fresh customer conversation. The phone number comes from the
 * channel, or from the contact id when that is a number; without one (a
 * WhatsApp `@lid` contact) the conversation ends with an apology at
 * consent, because a customer row needs a number.
 */
export function createCustomerInput(
  start: CustomerFlowStart,
  sessionId: string = randomBytes(6).toString('hex'),
): CustomerInput {
  const { contact, channel, tenant } = start;
  return {
    contactId: contact.id,
    phone: contact.phone ?? (isE164(contact.id) ? contact.id : null),
    channel,
    sessionId,
    language: tenant.defaultLanguage,
    shopName: tenant.name,
  };
}

/**
 * The customer flow as the turn runner drives it (`FlowDefinition` in
 * src/engine, matched structurally so flows need not import the engine).
 * Bump `version` when states or context change incompatibly.
 */
export const customerFlow = {
  id: 'customer',
  version: 1,
  machine: customerMachine,
  createInput: (start: CustomerFlowStart): CustomerInput =>
    createCustomerInput(start),
  contextDefaults: CUSTOMER_CONTEXT_DEFAULTS,
};
