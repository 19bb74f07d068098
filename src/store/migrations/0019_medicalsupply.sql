-- The national patient portal's orders (issue 19): what the 1177 service contracts
-- crm:selfservice:medicalsupply 1.0.2 and 2.0 read and write beside what lmn kept already.

-- The channel 1177: orders the e-service registers. As in migrations 5 and 9, the CHECK's stored
-- text is edited (adding an allowed value leaves every row valid); a check refuses to go on if
-- the text was not found.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
        'OR channel = ''customer_service'')',
        'OR channel = ''customer_service'' OR channel = ''1177'')')
 WHERE type = 'table' AND name = 'orders';
-- A 1177 integration account acts for the patient the e-service names in each call: it has the
-- patient role without a record of its own (it reads nothing but what a call names).
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (role <> ''patient'' OR patient_id IS NOT NULL)',
        'CHECK (role <> ''patient'' OR patient_id IS NOT NULL OR kind = ''integration'')')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
CREATE TABLE migration_0019_check (ok INTEGER NOT NULL CHECK (ok = 1)) STRICT;
INSERT INTO migration_0019_check
SELECT instr(sql, 'channel = ''1177''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'orders';
INSERT INTO migration_0019_check
SELECT instr(sql, 'OR kind = ''integration''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'users';
DROP TABLE migration_0019_check;

-- Who the e-service says ordered (the patient, or a delegate: OrderByDelegate), and what a
-- delivery choice may carry beside the address.
ALTER TABLE orders ADD COLUMN orderer TEXT;
ALTER TABLE orders ADD COLUMN by_delegate INTEGER CHECK (by_delegate IS NULL OR by_delegate = 0 OR by_delegate = 1);
ALTER TABLE orders ADD COLUMN delivery_comment TEXT;
ALTER TABLE orders ADD COLUMN contact_person TEXT;
ALTER TABLE orders ADD COLUMN notification_receiver TEXT;
ALTER TABLE orders ADD COLUMN invoice_address TEXT;
ALTER TABLE orders ADD COLUMN delivery_alternative_id INTEGER;

-- HSA-ids (the national directory's ids of people and units), where known: the contracts name the
-- prescriber and the prescribing organisation by them.
ALTER TABLE users ADD COLUMN hsa_id TEXT;
ALTER TABLE units ADD COLUMN hsa_id TEXT;

-- Pickup-point providers: a code list (the contracts' ServicePointProvider; 2.0 leaves it open).
CREATE TABLE pickup_providers (
    code TEXT PRIMARY KEY,  -- as on the wire: POSTNORD, DHL, SCHENKER, INGEN …
    name TEXT NOT NULL      -- shown to people
) STRICT, WITHOUT ROWID;
INSERT INTO pickup_providers (code, name) VALUES
    ('INGEN', 'Inget ombud'), ('POSTNORD', 'PostNord'), ('DHL', 'DHL'), ('SCHENKER', 'DB Schenker');
ALTER TABLE pickup_points ADD COLUMN provider_code TEXT REFERENCES pickup_providers(code);
CREATE INDEX pickup_points_provider ON pickup_points (provider_code, postal_code);

-- The delivery alternatives a prescription item allows (the contracts' DeliveryAlternative), kept
-- by the administration per product area (area NULL: every area). id is the DeliveryMethodId.
CREATE TABLE delivery_alternatives (
    id                   INTEGER PRIMARY KEY,
    area                 TEXT,
    name                 TEXT NOT NULL,
    method               TEXT NOT NULL CHECK (method = 'home' OR method = 'pickup_point'),
    provider             TEXT NOT NULL REFERENCES pickup_providers(code),
    choose_point         INTEGER NOT NULL CHECK (choose_point IN (0, 1)),
    notifications        TEXT NOT NULL,  -- comma-separated: email, letter, phone, sms
    allow_comment        INTEGER NOT NULL DEFAULT 0 CHECK (allow_comment IN (0, 1)),
    allow_contact_person INTEGER NOT NULL DEFAULT 0 CHECK (allow_contact_person IN (0, 1)),
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK (method = 'pickup_point' OR choose_point = 0),
    CHECK (NOT (choose_point = 1 AND provider = 'INGEN'))
) STRICT;
INSERT INTO delivery_alternatives (id, area, name, method, provider, choose_point, notifications,
    allow_comment, allow_contact_person) VALUES
    (1, NULL, 'Hemleverans', 'home', 'INGEN', 0, 'sms,phone', 1, 1),
    (2, NULL, 'Utlämningsställe PostNord', 'pickup_point', 'POSTNORD', 1, 'sms,email,letter', 0, 0),
    (3, NULL, 'Utlämningsställe DHL', 'pickup_point', 'DHL', 1, 'sms,email', 0, 0),
    (4, NULL, 'Utlämningsställe DB Schenker', 'pickup_point', 'SCHENKER', 1, 'sms,email', 0, 0);

-- Product areas whose items allow another invoice address (AllowOtherInvoiceAddress); none by
-- default.
CREATE TABLE invoice_address_areas (
    area TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- The e-service's account: no password, no sign-in; the access log names it for each call. Its id
-- is fixed apart from the low ones that data sets choose for their own accounts (the demo's).
INSERT INTO users (id, username, display_name, role, kind, created_at)
VALUES (1177, '1177', '1177 e-tjänst', 'patient', 'integration', '2026-12-06T00:00:00+01:00');

-- The key figures count orders through 1177 apart from the own patient pages' (digital).
ALTER TABLE report_order_days ADD COLUMN via_1177 INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER report_days_order_insert;
DROP TRIGGER report_days_order_update;
DROP TRIGGER report_days_order_delete;
CREATE TRIGGER report_days_order_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, via_1177, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT NEW.received_day, coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 1, (NEW.channel = 'digital'), (NEW.channel = '1177'), (NEW.contact_from IS NULL), (NEW.contact_from IS NOT NULL AND NEW.first_delivered IS NOT NULL), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered <= NEW.due, 0), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered >= NEW.contact_from, 0), NEW.contact_case, NEW.partial WHERE NEW.status <> 'cancelled' AND NEW.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, via_1177 = via_1177 + excluded.via_1177, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;
CREATE TRIGGER report_days_order_update AFTER UPDATE OF received_day, care_provider_id, area, status,
    channel, due, contact_from, first_delivered, partial, contact_case ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, via_1177, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT OLD.received_day, coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -1, -(OLD.channel = 'digital'), -(OLD.channel = '1177'), -(OLD.contact_from IS NULL), -(OLD.contact_from IS NOT NULL AND OLD.first_delivered IS NOT NULL), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered <= OLD.due, 0), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered >= OLD.contact_from, 0), -OLD.contact_case, -OLD.partial WHERE OLD.status <> 'cancelled' AND OLD.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, via_1177 = via_1177 + excluded.via_1177, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, via_1177, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT NEW.received_day, coalesce(NEW.care_provider_id, 0), coalesce(NEW.area, ''), 1, (NEW.channel = 'digital'), (NEW.channel = '1177'), (NEW.contact_from IS NULL), (NEW.contact_from IS NOT NULL AND NEW.first_delivered IS NOT NULL), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered <= NEW.due, 0), coalesce(NEW.contact_from IS NOT NULL AND NEW.first_delivered >= NEW.contact_from, 0), NEW.contact_case, NEW.partial WHERE NEW.status <> 'cancelled' AND NEW.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, via_1177 = via_1177 + excluded.via_1177, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;
CREATE TRIGGER report_days_order_delete AFTER DELETE ON orders
BEGIN
    INSERT INTO report_order_days (day, care_provider_id, area, orders, digital, via_1177, exempt, delivered, on_time, past_contact, contact_cases, partial)
    SELECT OLD.received_day, coalesce(OLD.care_provider_id, 0), coalesce(OLD.area, ''), -1, -(OLD.channel = 'digital'), -(OLD.channel = '1177'), -(OLD.contact_from IS NULL), -(OLD.contact_from IS NOT NULL AND OLD.first_delivered IS NOT NULL), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered <= OLD.due, 0), -coalesce(OLD.contact_from IS NOT NULL AND OLD.first_delivered >= OLD.contact_from, 0), -OLD.contact_case, -OLD.partial WHERE OLD.status <> 'cancelled' AND OLD.area IS NOT NULL
    ON CONFLICT (day, care_provider_id, area) DO UPDATE SET orders = orders + excluded.orders, digital = digital + excluded.digital, via_1177 = via_1177 + excluded.via_1177, exempt = exempt + excluded.exempt, delivered = delivered + excluded.delivered, on_time = on_time + excluded.on_time, past_contact = past_contact + excluded.past_contact, contact_cases = contact_cases + excluded.contact_cases, partial = partial + excluded.partial;
END;
