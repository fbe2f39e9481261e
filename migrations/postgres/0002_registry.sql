-- The company's registry (branches, tariffs, accounts, meters, readings, invoices, payments)
-- and the subscribers' houses. Kept in lockstep with ../sqlite/0002_registry.sql.
-- Money is integer kopecks; tariff prices are rubles per kWh × 10 000 (four decimals).

CREATE TABLE branches (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    hours       TEXT NOT NULL
);

CREATE TABLE tariff_plans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    zone_count  BIGINT NOT NULL CHECK (zone_count IN (1, 2, 3))
);

CREATE TABLE tariff_rates (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES tariff_plans (id) ON DELETE CASCADE,
    zone           TEXT NOT NULL CHECK (zone IN ('single', 'day', 'night', 'peak', 'half_peak')),
    valid_from     DATE NOT NULL,
    band_from_kwh  BIGINT NOT NULL DEFAULT 0,
    price_e4       BIGINT NOT NULL CHECK (price_e4 >= 0),
    UNIQUE (plan_id, zone, band_from_kwh, valid_from)
);

CREATE TABLE accounts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    holder_name      TEXT NOT NULL,
    address          TEXT NOT NULL,
    branch_id        BIGINT NOT NULL REFERENCES branches (id),
    contract_number  TEXT NOT NULL,
    contract_date    DATE NOT NULL,
    tariff_plan_id   BIGINT NOT NULL REFERENCES tariff_plans (id),
    residents        BIGINT NOT NULL DEFAULT 1,
    opening_balance  BIGINT NOT NULL DEFAULT 0,
    balance          BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE meters (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id            BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    serial                TEXT NOT NULL,
    model                 TEXT NOT NULL,
    zone_count            BIGINT NOT NULL CHECK (zone_count IN (1, 2, 3)),
    digits                BIGINT NOT NULL CHECK (digits BETWEEN 4 AND 9),
    installed_on          DATE,
    verified_on           DATE,
    next_verification_on  DATE,
    location              TEXT NOT NULL DEFAULT '',
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (account_id, serial)
);
CREATE INDEX meters_serial ON meters (serial);

CREATE TABLE readings (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meter_id      BIGINT NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    taken_on      DATE NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('portal', 'billing', 'controller')),
    submitted_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    consumption   BIGINT,
    charge        BIGINT,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX readings_meter_taken ON readings (meter_id, taken_on, id);
CREATE INDEX readings_account_taken ON readings (account_id, taken_on, id);

CREATE TABLE reading_values (
    reading_id  BIGINT NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    zone        TEXT NOT NULL,
    value       BIGINT NOT NULL,
    PRIMARY KEY (reading_id, zone)
);

CREATE TABLE invoices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    period      DATE NOT NULL,
    issued_on   DATE NOT NULL,
    due_on      DATE NOT NULL,
    amount      BIGINT NOT NULL,
    UNIQUE (account_id, period)
);
CREATE INDEX invoices_account_issued ON invoices (account_id, issued_on, id);

CREATE TABLE invoice_lines (
    invoice_id     BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no        BIGINT NOT NULL,
    zone           TEXT NOT NULL,
    kwh            BIGINT NOT NULL,
    price_e4       BIGINT NOT NULL,
    amount         BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE payments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    paid_on      DATE NOT NULL,
    channel      TEXT NOT NULL,
    external_id  TEXT,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_account_paid ON payments (account_id, paid_on, id);

CREATE TABLE houses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    account_id  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX houses_user ON houses (user_id, id);
CREATE UNIQUE INDEX houses_user_account ON houses (user_id, account_id);

CREATE TABLE meter_labels (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    meter_id  BIGINT NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    PRIMARY KEY (user_id, meter_id)
);

CREATE TABLE change_requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'rejected')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX change_requests_account ON change_requests (account_id, id);
