/**
 * Formats an amount in cents as rand, the same way in every language:
 * `R12.50`, `R1250.00`. One format for all five languages on purpose: ICU's
 * ZA locales disagree with each other (comma or point, a no-break space that
 * is not in GSM 7-bit), and a USSD screen must stay plain (GLOSSARY.md).
 */
export function formatRand(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const whole = Math.floor(Math.abs(cents) / 100);
  const fraction = String(Math.abs(cents) % 100).padStart(2, '0');
  return `${sign}R${whole}.${fraction}`;
}
