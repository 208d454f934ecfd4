import { createHash } from 'node:crypto';
import { InputError } from '../shared/index.ts';
import type { Channel } from './inbound-event.ts';

/** One conversation: one contact talking to one tenant over one channel. */
export interface ConversationKey {
  tenantId: string;
  channel: Channel;
  /** The contact's stable id (`Contact.id`): E.164 number or channel id. */
  contactId: string;
}

/** The prefix every engine key starts with unless a caller chooses one. */
export const DEFAULT_KEY_PREFIX = 'wakala';

// `:` separates segments and `{` `}` delimit the Redis Cluster hash tag, so
// a segment holding any of them could make two conversations share a key.
const FORBIDDEN = /[:{}]/;

/**
 * Builds every Redis key the engine uses, so that the layout lives in one
 * place: `<prefix>:<kind>:{<tenant>:<channel>:<contact>}[:<suffix>]`. The
 * conversation sits in a hash tag, which keeps all of one conversation's
 * keys in one Redis Cluster slot (one Lua script or MULTI can touch them).
 */
export class EngineKeys {
  readonly prefix: string;

  constructor(prefix: string = DEFAULT_KEY_PREFIX) {
    this.prefix = checkSegment('prefix', prefix);
  }

  /** The key of a conversation's session envelope. */
  session(conversation: ConversationKey): string {
    return `${this.prefix}:session:${this.tag(conversation)}`;
  }

  /** The key of a conversation's turn lock. */
  lock(conversation: ConversationKey): string {
    return `${this.prefix}:lock:${this.tag(conversation)}`;
  }

  /**
   * The key that records an inbound message id as handled. The id comes
   * from outside (a wamid, a gateway session id) so it is hashed: any
   * characters are fine and the key length stays bounded.
   */
  handled(conversation: ConversationKey, messageId: string): string {
    if (messageId.length === 0) {
      throw new InputError(
        'engine.message_id_empty',
        'An inbound message has an empty id; the channel adapter must give every event a stable id.',
      );
    }
    const digest = createHash('sha256')
      .update(messageId)
      .digest('base64url')
      .slice(0, 22);
    return `${this.prefix}:handled:${this.tag(conversation)}:${digest}`;
  }

  private tag(conversation: ConversationKey): string {
    const tenant = checkSegment('tenantId', conversation.tenantId);
    const channel = checkSegment('channel', conversation.channel);
    const contact = checkSegment('contactId', conversation.contactId);
    return `{${tenant}:${channel}:${contact}}`;
  }
}

function checkSegment(name: string, value: string): string {
  if (value.length === 0 || FORBIDDEN.test(value)) {
    throw new InputError(
      'engine.key_segment_invalid',
      `The ${name} of a Redis key is empty or contains ':', '{' or '}'; pass the plain id.`,
    );
  }
  return value;
}

/** The conversation an inbound message belongs to. */
export function conversationOf(message: {
  tenantId: string;
  channel: Channel;
  contact: { id: string };
}): ConversationKey {
  return {
    tenantId: message.tenantId,
    channel: message.channel,
    contactId: message.contact.id,
  };
}
