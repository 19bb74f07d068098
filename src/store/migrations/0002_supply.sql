-- The supply core (DOMAIN.md §2–§5): assortment, patients, care providers, users, prescriptions,
-- withdrawals (orders), fulfilment, delay follow-up, calls, pickup points and the access log.
-- Dates are ISO YYYY-MM-DD, timestamps ISO 8601 with offset, money in öre.

CREATE TABLE care_providers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('region', 'municipality', 'private')),
    municipality TEXT
) STRICT;

CREATE TABLE units (
    id               INTEGER PRIMARY KEY,
    care_provider_id INTEGER NOT NULL REFERENCES care_providers(id),
    name             TEXT NOT NULL,
    cost_centre      TEXT NOT NULL,
    municipality     TEXT,
    address          TEXT,
    postal_code      TEXT CHECK (postal_code IS NULL OR (length(postal_code) = 5 AND postal_code NOT GLOB '*[^0-9]*')),
    UNIQUE (care_provider_id, cost_centre)
) STRICT;

CREATE TABLE suppliers (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    article_number   TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    area             TEXT NOT NULL CHECK (area IN ('nutrition', 'incontinence')),
    unit             TEXT NOT NULL,
    package_size     INTEGER NOT NULL CHECK (package_size >= 1),
    supplier_id      INTEGER NOT NULL REFERENCES suppliers(id),
    stocked          INTEGER NOT NULL CHECK (stocked IN (0, 1)),
    acute_assortment INTEGER NOT NULL CHECK (acute_assortment IN (0, 1)),
    special          INTEGER NOT NULL CHECK (special IN (0, 1)),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK (NOT (special = 1 AND stocked = 1)),
    CHECK (acute_assortment = 0 OR stocked = 1)
) STRICT;

-- A price is in force from its date until the next price of the same article.
CREATE TABLE article_prices (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    valid_from TEXT NOT NULL,
    price_ore  INTEGER NOT NULL CHECK (price_ore >= 0),
    PRIMARY KEY (article_id, valid_from)
) STRICT, WITHOUT ROWID;

CREATE TABLE patients (
    id                 INTEGER PRIMARY KEY,
    id_number          TEXT NOT NULL UNIQUE,  -- canonical: 12 characters
    id_kind            TEXT NOT NULL CHECK (id_kind IN ('personnummer', 'samordningsnummer', 'reserve')),
    given_name         TEXT NOT NULL,
    family_name        TEXT NOT NULL,
    address            TEXT NOT NULL,
    postal_code        TEXT NOT NULL CHECK (length(postal_code) = 5 AND postal_code NOT GLOB '*[^0-9]*'),
    city               TEXT NOT NULL,
    phone              TEXT,
    municipality       TEXT NOT NULL,
    protected_identity INTEGER NOT NULL DEFAULT 0 CHECK (protected_identity IN (0, 1)),
    municipal_housing  INTEGER NOT NULL DEFAULT 0 CHECK (municipal_housing IN (0, 1)),
    rural_route        INTEGER NOT NULL DEFAULT 0 CHECK (rural_route IN (0, 1)),
    created_at         TEXT NOT NULL
) STRICT;
CREATE INDEX patients_municipality ON patients (municipality);

-- Roles of DOMAIN.md §2. A patient user is linked to their patient record; a prescriber to a unit;
-- municipal staff to a municipality.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('patient', 'prescriber', 'municipal_prescriber',
                      'municipal_orderer', 'customer_service', 'distributor', 'admin')),
    patient_id    INTEGER REFERENCES patients(id),
    unit_id       INTEGER REFERENCES units(id),
    municipality  TEXT,
    password_hash TEXT,               -- Argon2id (libsodium crypto_pwhash_str); NULL: single sign-on only
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    CHECK (role <> 'patient' OR patient_id IS NOT NULL),
    CHECK (role NOT IN ('prescriber', 'municipal_prescriber') OR unit_id IS NOT NULL),
    CHECK (role NOT IN ('municipal_prescriber', 'municipal_orderer') OR municipality IS NOT NULL)
) STRICT;

-- A delegate (e.g. a parent) may order for a patient.
CREATE TABLE delegates (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    PRIMARY KEY (user_id, patient_id)
) STRICT, WITHOUT ROWID;

-- Only hashes of secrets are stored (SHA-256 of a random token).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE prescriptions (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    prescriber_id INTEGER NOT NULL REFERENCES users(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    prescribed_on TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX prescriptions_patient ON prescriptions (patient_id);
CREATE INDEX prescriptions_unit ON prescriptions (unit_id, patient_id);

CREATE TABLE prescription_items (
    id                      INTEGER PRIMARY KEY,
    prescription_id         INTEGER NOT NULL REFERENCES prescriptions(id),
    article_id              INTEGER NOT NULL REFERENCES articles(id),
    withdrawals_allowed     INTEGER NOT NULL CHECK (withdrawals_allowed >= 1),
    withdrawals_remaining   INTEGER NOT NULL CHECK (withdrawals_remaining >= 0),
    quantity_per_withdrawal INTEGER NOT NULL CHECK (quantity_per_withdrawal >= 1),
    period_days             INTEGER NOT NULL CHECK (period_days BETWEEN 1 AND 366),
    next_earliest           TEXT,
    last_valid              TEXT NOT NULL,
    cancelled_at            TEXT,
    CHECK (withdrawals_remaining <= withdrawals_allowed)
) STRICT;
CREATE INDEX prescription_items_prescription ON prescription_items (prescription_id);

CREATE TABLE pickup_points (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    provider    TEXT NOT NULL,
    address     TEXT NOT NULL,
    postal_code TEXT NOT NULL CHECK (length(postal_code) = 5 AND postal_code NOT GLOB '*[^0-9]*'),
    city        TEXT NOT NULL
) STRICT;
CREATE INDEX pickup_points_postal_code ON pickup_points (postal_code);

-- A withdrawal. Due date and contact date come from the rule engine as in force on the day of receipt;
-- rules holds the versions that decided ("B3:1@2018-05-01 B3:6@2018-05-01").
CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    kind             TEXT NOT NULL CHECK (kind IN ('normal', 'acute', 'express')),
    channel          TEXT NOT NULL CHECK (channel IN ('digital', 'phone', 'municipal', 'customer_service')),
    requested_by     TEXT NOT NULL,
    entered_by       TEXT NOT NULL,
    entered_by_user  INTEGER REFERENCES users(id),
    reason           TEXT,
    received_at      TEXT NOT NULL,
    received_day     TEXT NOT NULL,
    due              TEXT NOT NULL,
    contact_from     TEXT,
    rules            TEXT NOT NULL,
    delivery_method  TEXT NOT NULL CHECK (delivery_method IN ('home', 'pickup_point', 'care_unit')),
    delivery_address TEXT,
    delivery_postal_code TEXT,
    delivery_city    TEXT,
    delivery_phone   TEXT,
    door_code        TEXT,
    pickup_point_id  INTEGER REFERENCES pickup_points(id),
    notification     TEXT CHECK (notification IS NULL OR notification IN ('email', 'letter', 'phone', 'sms')),
    unit_id          INTEGER REFERENCES units(id),
    status           TEXT NOT NULL DEFAULT 'received'
                     CHECK (status IN ('received', 'shipped', 'partially_shipped', 'delivered',
                                       'partially_delivered', 'returned', 'not_collected', 'cancelled')),
    idempotency_key  TEXT,
    idempotency_user INTEGER,
    UNIQUE (idempotency_user, idempotency_key)
) STRICT;
CREATE INDEX orders_patient ON orders (patient_id, received_at);
CREATE INDEX orders_due ON orders (status, due);
CREATE INDEX orders_contact ON orders (contact_from) WHERE contact_from IS NOT NULL;

CREATE TABLE order_lines (
    id                   INTEGER PRIMARY KEY,
    order_id             INTEGER NOT NULL REFERENCES orders(id),
    article_id           INTEGER NOT NULL REFERENCES articles(id),
    prescription_item_id INTEGER NOT NULL REFERENCES prescription_items(id),
    quantity             INTEGER NOT NULL CHECK (quantity >= 1),
    prev_next_earliest   TEXT,     -- the item's next earliest date before this line, for cancelling
    shipped_quantity     INTEGER NOT NULL DEFAULT 0,
    backordered          INTEGER NOT NULL DEFAULT 0 CHECK (backordered IN (0, 1))
) STRICT;
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE shipments (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    shipped_at   TEXT NOT NULL,
    shipped_by   INTEGER REFERENCES users(id),
    partial      INTEGER NOT NULL CHECK (partial IN (0, 1)),
    delivered_at TEXT,
    delivery_deviation TEXT,     -- set when delivered outside the window of Spec B 3:1
    outcome      TEXT CHECK (outcome IS NULL OR outcome IN ('delivered', 'returned', 'not_collected')),
    outcome_at   TEXT,
    outcome_note TEXT
) STRICT;
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE shipment_lines (
    shipment_id   INTEGER NOT NULL REFERENCES shipments(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    backordered   INTEGER NOT NULL CHECK (backordered IN (0, 1)),
    PRIMARY KEY (shipment_id, order_line_id)
) STRICT, WITHOUT ROWID;

-- Spec B 3:6: an order not delivered in full by its contact date; customer service calls the patient.
CREATE TABLE contact_cases (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    opened_on   TEXT NOT NULL,
    closed_at   TEXT,
    called_at   TEXT,
    called_by   INTEGER REFERENCES users(id),
    outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'not_reached', 'message_left')),
    note        TEXT
) STRICT;
CREATE INDEX contact_cases_open ON contact_cases (closed_at, opened_on);

-- The customer-service call log: the data of the phone key figure (Spec B 6.1).
CREATE TABLE calls (
    id          INTEGER PRIMARY KEY,
    queued_at   TEXT NOT NULL,
    answered_at TEXT,
    abandoned_at TEXT,
    topic       TEXT NOT NULL CHECK (topic IN ('order', 'delivery', 'prescription', 'product',
                                               'delay_contact', 'other')),
    agent_id    INTEGER REFERENCES users(id),
    patient_id  INTEGER REFERENCES patients(id),
    CHECK (answered_at IS NULL OR abandoned_at IS NULL)
) STRICT;
CREATE INDEX calls_queued ON calls (queued_at);

-- Who read or wrote which patient's data, and what. Append-only (Swedish patient data law).
CREATE TABLE access_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    role       TEXT NOT NULL,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    action     TEXT NOT NULL CHECK (action IN ('read', 'create', 'update')),
    what       TEXT NOT NULL
) STRICT;
CREATE INDEX access_log_patient ON access_log (patient_id, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
