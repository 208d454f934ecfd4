import { InputError } from '../shared/index.ts';
import { isUuid } from './db-errors.ts';

/** What a customer confirmed at checkout. */
export interface PlaceOrderInput {
  userId: string;
  fulfilment: 'delivery' | 'collection';
  deliveryAddress?: string;
  latitude?: number;
  longitude?: number;
  /** Only cash for now; card and instant EFT plug in with their providers. */
  paymentMethod: 'cash';
  channel: string;
  /** Same key, same order: a retried turn never orders twice. */
  idempotencyKey: string;
}

/**
 * Checks a checkout's input before any database work, so a flow bug shows
 * as a clear InputError with an `order.*` code, never a database error.
 */
export function assertOrderInput(input: PlaceOrderInput): void {
  const problem = findProblem(input);
  if (problem) throw new InputError(`order.${problem[0]}`, problem[1]);
}

function findProblem(input: PlaceOrderInput): [string, string] | null {
  if (!isUuid(input.userId)) {
    return ['user_invalid', 'An order needs the id of an existing customer.'];
  }
  if (input.fulfilment !== 'delivery' && input.fulfilment !== 'collection') {
    return ['fulfilment_invalid', 'Fulfilment must be delivery or collection.'];
  }
  if (input.paymentMethod !== 'cash') {
    return ['payment_method_invalid', 'Only cash orders can be placed yet.'];
  }
  if (!input.idempotencyKey || input.idempotencyKey.length > 200) {
    return [
      'idempotency_key_invalid',
      'An order needs an idempotency key of 1 to 200 characters.',
    ];
  }
  if (!input.channel)
    return ['channel_missing', 'An order needs the channel it came from.'];
  if (input.fulfilment === 'delivery') return findDeliveryProblem(input);
  return null;
}

function findDeliveryProblem(input: PlaceOrderInput): [string, string] | null {
  const hasAddress = Boolean(input.deliveryAddress?.trim());
  const { latitude, longitude } = input;
  const hasPin = latitude !== undefined || longitude !== undefined;
  if (!hasAddress && !hasPin) {
    return [
      'delivery_address_missing',
      'A delivery order needs an address or a location pin.',
    ];
  }
  if (
    hasPin &&
    !(
      Number.isFinite(latitude) &&
      Number.isFinite(longitude) &&
      Math.abs(latitude ?? 0) <= 90 &&
      Math.abs(longitude ?? 0) <= 180
    )
  ) {
    return [
      'location_invalid',
      'A location pin needs a latitude from -90 to 90 and a longitude from -180 to 180.',
    ];
  }
  return null;
}
