-- A WhatsApp business number's own send rate, in messages per second. NULL
-- means the number has none of its own: the tenant's
-- settings.whatsapp.messagesPerSecond applies, else the platform default
-- (80, Meta's default per number; PROTOCOLS.md 1.7). Meta's tiers are 20
-- (numbers shared with the WhatsApp Business app), 80 and 1,000 (upgraded
-- numbers), so anything above 1,000 can only be a typing mistake.
--
-- Written to be re-runnable by hand as well: the column and the check are
-- each dropped or skipped when already there.
ALTER TABLE control.whatsapp_numbers
  ADD COLUMN IF NOT EXISTS messages_per_second integer;

ALTER TABLE control.whatsapp_numbers
  DROP CONSTRAINT IF EXISTS whatsapp_numbers_messages_per_second_check;
ALTER TABLE control.whatsapp_numbers
  ADD CONSTRAINT whatsapp_numbers_messages_per_second_check
  CHECK (messages_per_second BETWEEN 1 AND 1000);
