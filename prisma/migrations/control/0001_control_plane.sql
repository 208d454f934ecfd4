-- Control plane: which tenants exist, where they live, which numbers reach
-- them, their API keys and the audit log. Lives in schema "control" of the
-- database named by DATABASE_URL.

CREATE TABLE control.shards (
  id            text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN ('shared', 'dedicated')),
  -- AES-256-GCM ciphertext of the connection URL (WAKALA_SECRET_KEY); the
  -- URL carries credentials, so it is never stored or logged in clear.
  url_encrypted text NOT NULL,
  database_name text NOT NULL,
  is_accepting  boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE control.tenants (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{4,24}$'),
  slug                text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  tier                text NOT NULL CHECK (tier IN ('basic', 'premium', 'enterprise')),
  status              text NOT NULL DEFAULT 'provisioning'
                        CHECK (status IN ('provisioning', 'active', 'moving', 'suspended')),
  shard_id            text NOT NULL REFERENCES control.shards (id),
  schema_name         text NOT NULL CHECK (schema_name ~ '^tenant_[a-z0-9]{4,24}$'),
  -- Set while a move is under way or kept for rollback after one.
  previous_shard_id   text REFERENCES control.shards (id),
  previous_schema_name text,
  owner_phone         text NOT NULL CHECK (owner_phone ~ '^\+[1-9][0-9]{7,14}$'),
  default_language    text NOT NULL DEFAULT 'en'
                        CHECK (default_language IN ('en', 'zu', 'xh', 'af', 'st')),
  session_ttl_seconds integer NOT NULL DEFAULT 1800 CHECK (session_ttl_seconds BETWEEN 60 AND 604800),
  settings            jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Idempotency key of the provisioning request; a retry with the same key
  -- returns the tenant it already made.
  request_key         text UNIQUE,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (shard_id, schema_name)
);
CREATE INDEX tenants_shard_idx ON control.tenants (shard_id);

CREATE TABLE control.whatsapp_numbers (
  phone_number_id        text PRIMARY KEY CHECK (phone_number_id ~ '^[0-9]{5,20}$'),
  tenant_id              text NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
  display_number         text NOT NULL UNIQUE CHECK (display_number ~ '^\+[1-9][0-9]{7,14}$'),
  access_token_encrypted text,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_numbers_tenant_idx ON control.whatsapp_numbers (tenant_id);

-- A USSD service code that reaches exactly one tenant.
CREATE TABLE control.ussd_codes (
  service_code text PRIMARY KEY CHECK (service_code ~ '^\*[0-9]+(\*[0-9]+)*#$'),
  tenant_id    text NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ussd_codes_tenant_idx ON control.ussd_codes (tenant_id);

-- A USSD service code shared by many shops; the contact types a store code.
CREATE TABLE control.shared_ussd_codes (
  service_code text PRIMARY KEY CHECK (service_code ~ '^\*[0-9]+(\*[0-9]+)*#$'),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE control.store_codes (
  service_code text NOT NULL REFERENCES control.shared_ussd_codes (service_code),
  store_code   text NOT NULL CHECK (store_code ~ '^[0-9]{2,8}$'),
  tenant_id    text NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_code, store_code)
);
CREATE INDEX store_codes_tenant_idx ON control.store_codes (tenant_id);

CREATE TABLE control.api_keys (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES control.tenants (id) ON DELETE CASCADE,
  -- SHA-256 of the whole key; the key itself is shown once and never kept.
  key_hash     text NOT NULL UNIQUE,
  key_prefix   text NOT NULL,
  label        text NOT NULL DEFAULT 'default',
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_idx ON control.api_keys (tenant_id);

CREATE TABLE control.audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  tenant_id  text,
  actor      text NOT NULL,
  action     text NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('allowed', 'refused', 'failed')),
  target     text,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_tenant_idx ON control.audit_log (tenant_id, at);

-- Row-level security: the second wall. Code acting for one tenant switches to
-- the wakala_tenant role with wakala.tenant_id set, and then sees only that
-- tenant's rows even if a query forgets its WHERE clause.
ALTER TABLE control.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE control.whatsapp_numbers ENABLE ROW LEVEL SECURITY;
ALTER TABLE control.ussd_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE control.store_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE control.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE control.audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON control.tenants
  USING (id = current_setting('wakala.tenant_id', true));
CREATE POLICY tenant_isolation ON control.whatsapp_numbers
  USING (tenant_id = current_setting('wakala.tenant_id', true));
CREATE POLICY tenant_isolation ON control.ussd_codes
  USING (tenant_id = current_setting('wakala.tenant_id', true));
CREATE POLICY tenant_isolation ON control.store_codes
  USING (tenant_id = current_setting('wakala.tenant_id', true));
CREATE POLICY tenant_isolation ON control.api_keys
  USING (tenant_id = current_setting('wakala.tenant_id', true));
CREATE POLICY tenant_isolation ON control.audit_log
  USING (tenant_id = current_setting('wakala.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('wakala.tenant_id', true));

-- Roles are cluster-wide; several control planes (tests, staging) may share
-- one server, so create the role only when it is missing and tolerate a race.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wakala_tenant') THEN
    CREATE ROLE wakala_tenant NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

GRANT USAGE ON SCHEMA control TO wakala_tenant;
GRANT SELECT ON control.tenants, control.whatsapp_numbers, control.ussd_codes,
  control.store_codes, control.api_keys TO wakala_tenant;
GRANT SELECT, INSERT ON control.audit_log TO wakala_tenant;
GRANT USAGE ON SEQUENCE control.audit_log_id_seq TO wakala_tenant;
