-- WhatsApp Cloud API records of one shop: what we sent (and what became of
-- it), and when each contact last wrote to us (the 24-hour service window).

-- One row per message we send. `id` is ours and is created before the send,
-- so a retried job finds the row and, when `wamid` is already set, knows the
-- message left once and must not leave again.
CREATE TABLE whatsapp_outbound_messages (
  id              text PRIMARY KEY,
  phone_number_id text NOT NULL,
  contact_id      text NOT NULL,
  turn_id         text,
  kind            text NOT NULL
                    CHECK (kind IN ('text', 'interactive', 'template')),
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'played', 'failed')),
  wamid           text UNIQUE,
  attempts        integer NOT NULL DEFAULT 0,
  error_code      integer,
  error_title     text,
  is_template     boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_outbound_contact_idx
  ON whatsapp_outbound_messages (contact_id, created_at);

-- Every status webhook, once per (wamid, status): Meta retries for 7 days
-- and statuses arrive out of order, so the history is kept as it came.
CREATE TABLE whatsapp_message_statuses (
  wamid       text NOT NULL,
  status      text NOT NULL
                CHECK (status IN ('sent', 'delivered', 'read', 'played', 'failed')),
  occurred_at timestamptz NOT NULL,
  error_code  integer,
  error_title text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wamid, status)
);

-- Last inbound message per contact: a free-form reply is allowed only
-- within 24 hours of it; after that a template must be sent.
CREATE TABLE whatsapp_contact_windows (
  contact_id      text PRIMARY KEY,
  last_inbound_at timestamptz NOT NULL
);
