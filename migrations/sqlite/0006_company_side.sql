-- The company's side (issue 10). Kept in lockstep with ../postgres/0006_company_side.sql.
-- SQLite cannot change a CHECK constraint: the requests table is rebuilt.

CREATE TABLE requests_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('question', 'support', 'change', 'service_order')),
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_name       TEXT,
    first_name      TEXT,
    patronymic      TEXT,
    email           TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    phone           TEXT,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'answered', 'done', 'rejected')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    account_id      INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    account_number  TEXT,
    service_code    TEXT,
    service_name    TEXT,
    preferred_date  TEXT
);
INSERT INTO requests_new (id, kind, user_id, last_name, first_name, patronymic, email, email_normalized, phone, body, status, created_at, updated_at)
SELECT id, kind, user_id, last_name, first_name, patronymic, email, lower(email), phone, body, status, created_at, updated_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;
CREATE INDEX requests_user ON requests (user_id, id);
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_kind_status ON requests (kind, status, id);
CREATE INDEX requests_email ON requests (email_normalized, id);
CREATE INDEX requests_account_number ON requests (account_number, id);

-- Change requests join the other requests (renumbered), their data as the lines a new one has.
INSERT INTO requests (kind, user_id, last_name, first_name, patronymic, email, email_normalized,
                      phone, body, status, created_at, updated_at, account_id, account_number)
SELECT 'change', c.user_id, u.last_name, u.first_name, u.patronymic, u.email, u.email_normalized,
       u.phone,
       COALESCE(NULLIF(rtrim(
           COALESCE('ФИО владельца: ' || json_extract(c.payload, '$.holder_name') || char(10), '') ||
           COALESCE('Адрес: ' || json_extract(c.payload, '$.address') || char(10), '') ||
           COALESCE('Количество проживающих: ' || json_extract(c.payload, '$.residents') || char(10), '') ||
           COALESCE('Телефон: ' || json_extract(c.payload, '$.phone') || char(10), '') ||
           COALESCE('Комментарий: ' || json_extract(c.payload, '$.comment') || char(10), ''),
           char(10)), ''), c.payload),
       c.status, c.created_at, c.updated_at, c.account_id, a.number
FROM change_requests c JOIN users u ON u.id = c.user_id JOIN accounts a ON a.id = c.account_id
ORDER BY c.id;
DROP TABLE change_requests;

CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'status')),
    status      TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'answered', 'done', 'rejected')),
    body        TEXT,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

ALTER TABLE users ADD COLUMN disabled_at TEXT;

ALTER TABLE branches ADD COLUMN note TEXT;

CREATE TABLE content (
    section     TEXT PRIMARY KEY CHECK (section IN ('about', 'faq', 'payment_methods', 'help_tips', 'services', 'links', 'branding')),
    body        TEXT NOT NULL,
    note        TEXT,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE files (
    slot          TEXT PRIMARY KEY CHECK (slot IN ('price-list', 'logo')),
    kind          TEXT NOT NULL CHECK (kind IN ('pdf', 'xlsx', 'png', 'jpeg', 'webp')),
    bytes         BLOB NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE user_settings (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    help_hidden  INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);
