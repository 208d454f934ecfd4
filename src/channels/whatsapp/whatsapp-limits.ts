/**
 * Meta's documented limits on interactive messages (PROTOCOLS.md 1.5).
 * The renderer keeps within them and the fake Graph API in the tests
 * enforces the same numbers, so both read them from here.
 */
export const WHATSAPP_LIMITS = {
  textBody: 4096,
  listBody: 4096,
  listRows: 10,
  listSections: 10,
  listButton: 20,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  buttonsMax: 3,
  buttonTitle: 20,
  buttonId: 256,
  buttonBody: 1024,
  locationRequestBody: 1024,
  header: 60,
  footer: 60,
} as const;
