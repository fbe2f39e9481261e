-- The company's side (issue 10): every request to the company in one table (questions,
-- support requests, data change requests, service orders) with its history; staff who can
-- be disabled; content admins edit; uploaded files; per-user settings.
-- Kept in lockstep with ../sqlite/0006_company_side.sql.

ALTER TABLE requests DROP CONSTRAINT requests_kind_check;
ALTER TABLE requests ADD CONSTRAINT requests_kind_check
    CHECK (kind IN ('question', 'support', 'change', 'service_order'));
ALTER TABLE requests DROP CONSTRAINT requests_status_check;
ALTER TABLE requests ADD CONSTRAINT requests_status_check
    CHECK (status IN ('new', 'in_progress', 'answered', 'done', 'rejected'));
-- A change request or a service order comes from the profile, where names may be empty.
ALTER TABLE requests ALTER COLUMN last_name DROP NOT NULL;
ALTER TABLE requests ALTER COLUMN first_name DROP NOT NULL;
ALTER TABLE requests ADD COLUMN account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
-- The account's number as it was, for the queue's search and display.
ALTER TABLE requests ADD COLUMN account_number TEXT;
ALTER TABLE requests ADD COLUMN service_code TEXT;
ALTER TABLE requests ADD COLUMN service_name TEXT;
ALTER TABLE requests ADD COLUMN preferred_date DATE;
-- The sender's address as `Email::normalized` spells it (the queue searches by it; SQL's
-- lower() differs between the backends beyond ASCII).
ALTER TABLE requests ADD COLUMN email_normalized TEXT NOT NULL DEFAULT '';
UPDATE requests SET email_normalized = lower(email);
ALTER TABLE requests ALTER COLUMN email_normalized DROP DEFAULT;
CREATE INDEX requests_kind_status ON requests (kind, status, id);
CREATE INDEX requests_email ON requests (email_normalized, id);
CREATE INDEX requests_account_number ON requests (account_number, id);

-- Change requests join the other requests (renumbered), their data as the lines a new one has.
INSERT INTO requests (kind, user_id, last_name, first_name, patronymic, email, email_normalized,
                      phone, body, status, created_at, updated_at, account_id, account_number)
SELECT 'change', c.user_id, u.last_name, u.first_name, u.patronymic, u.email, u.email_normalized,
       u.phone,
       COALESCE(NULLIF(concat_ws(E'\n',
           'ФИО владельца: ' || (c.payload::json ->> 'holder_name'),
           'Адрес: ' || (c.payload::json ->> 'address'),
           'Количество проживающих: ' || (c.payload::json ->> 'residents'),
           'Телефон: ' || (c.payload::json ->> 'phone'),
           'Комментарий: ' || (c.payload::json ->> 'comment')), ''), c.payload),
       c.status, c.created_at, c.updated_at, c.account_id, a.number
FROM change_requests c JOIN users u ON u.id = c.user_id JOIN accounts a ON a.id = c.account_id
ORDER BY c.id;
DROP TABLE change_requests;

-- What happened to a request: replies and status changes, with who and when.
CREATE TABLE request_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'status')),
    status      TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'answered', 'done', 'rejected')),
    body        TEXT,
    actor_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- A disabled user cannot sign in.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;

-- Branches: what an admin has not verified yet (never shown to subscribers).
ALTER TABLE branches ADD COLUMN note TEXT;

-- Content edited by admins, one JSON document per section.
CREATE TABLE content (
    section     TEXT PRIMARY KEY CHECK (section IN ('about', 'faq', 'payment_methods', 'help_tips', 'services', 'links', 'branding')),
    body        TEXT NOT NULL,
    note        TEXT,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  BIGINT REFERENCES users (id) ON DELETE SET NULL
);

-- Uploaded files, by slot (never under a client-chosen path).
CREATE TABLE files (
    slot          TEXT PRIMARY KEY CHECK (slot IN ('price-list', 'logo')),
    kind          TEXT NOT NULL CHECK (kind IN ('pdf', 'xlsx', 'png', 'jpeg', 'webp')),
    bytes         BYTEA NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    BIGINT REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE user_settings (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    help_hidden  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at   TIMESTAMPTZ NOT NULL
);
