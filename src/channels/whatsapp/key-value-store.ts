/**
 * The few key/value operations the WhatsApp channel keeps its small state
 * with (paged menus, answered paging choices, template markers, outbox
 * sequences): Redis in production, process memory in the embedded default.
 * Keys come from WhatsappKeys.
 */
export interface KeyValueStore {
  /** Sets `key` only when absent (SET NX PX); true when it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Sets `key` with a time to live (SET PX). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Adds one to a counter that starts at 0 and never expires (INCR). */
  increment(key: string): Promise<number>;
}
