import { InputError } from '../shared/index.ts';
import { tenantDb } from '../tenancy/index.ts';

/** Why personal information is processed: POPIA asks consent per purpose. */
export type ConsentPurpose = 'processing' | 'marketing';

/** Where a contact stands on one purpose; `unknown` means never asked. */
export type ConsentStatus = 'granted' | 'refused' | 'unknown';

/** One answer a contact gave to a privacy notice. */
export interface RecordConsentInput {
  /** Keyed hash of the contact's number (`hashPhone`), never the number. */
  contactHash: string;
  /** The user, when one exists; a refusal is kept without one. */
  userId?: string;
  purpose: ConsentPurpose;
  isGranted: boolean;
  /** Version of the notice shown, so a changed notice can be asked again. */
  noticeVersion: string;
  channel: string;
}

const PURPOSES: readonly string[] = ['processing', 'marketing'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The contact's latest answer for `purpose`. Records are only ever added,
 * so the newest one decides and the history stays as evidence.
 */
export async function getConsentStatus(
  contactHash: string,
  purpose: ConsentPurpose = 'processing',
): Promise<ConsentStatus> {
  assertPurpose(purpose);
  const latest = await tenantDb().consent.findFirst({
    where: { contactHash, purpose },
    orderBy: { recordedAt: 'desc' },
    select: { isGranted: true },
  });
  if (!latest) return 'unknown';
  return latest.isGranted ? 'granted' : 'refused';
}

/** Adds a contact's answer to a privacy notice to the consent records. */
export async function recordConsent(input: RecordConsentInput): Promise<void> {
  assertPurpose(input.purpose);
  const problem = findProblem(input);
  if (problem) throw new InputError(`consent.${problem[0]}`, problem[1]);
  await tenantDb().consent.create({
    data: {
      contactHash: input.contactHash,
      userId: input.userId ?? null,
      purpose: input.purpose,
      isGranted: input.isGranted,
      noticeVersion: input.noticeVersion,
      channel: input.channel,
    },
  });
}

function findProblem(input: RecordConsentInput): [string, string] | null {
  // hashPhone gives 16 hex characters; an E.164 number has at most 15
  // digits, so a number passed by mistake is refused, never stored.
  if (!/^[0-9a-f]{16,128}$/i.test(input.contactHash)) {
    return [
      'contact_hash_invalid',
      'A consent record needs the contact as a hex hash from hashPhone, not the number.',
    ];
  }
  if (input.userId !== undefined && !UUID.test(input.userId)) {
    return ['user_invalid', 'A consent record names its user by id.'];
  }
  if (typeof input.isGranted !== 'boolean') {
    return ['answer_invalid', 'A consent record needs a yes or no answer.'];
  }
  if (!input.noticeVersion || !input.channel) {
    return [
      'details_missing',
      'A consent record needs the notice version and the channel.',
    ];
  }
  return null;
}

function assertPurpose(purpose: string): void {
  if (!PURPOSES.includes(purpose)) {
    throw new InputError(
      'consent.purpose_invalid',
      'Consent purpose must be processing or marketing.',
    );
  }
}
