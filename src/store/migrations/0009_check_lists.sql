-- The tables written on every request (orders, shipments, contact cases, calls, the access log):
-- their CHECKs of allowed words written as comparisons instead of IN lists (bench/http).
--
-- SQLite evaluates `x IN ('a', 'b', 'c')` (three or more constants) by building a temporary
-- B-tree of the list, once per execution of the statement: every insert into orders built five,
-- each with its own page cache allocated and freed again, a large part of the time of placing an
-- order and of importing history. `x = 'a' OR x = 'b' OR x = 'c'` allows exactly the same values
-- (NULL passes both) and is evaluated without one.
--
-- As in migration 5, the stored schema text is edited: an equivalent CHECK leaves every stored
-- row valid, the case SQLite documents (sqlite.org/lang_altertable.html, "Making Other Kinds Of
-- Table Schema Changes"). The texts replaced are those of migration 2; a check at the end refuses
-- to go on if any list is left. The table made and dropped after RESET changes the schema version,
-- so every connection reads the new text.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql =
    replace(replace(replace(replace(replace(replace(sql,
        'CHECK (kind IN (''normal'', ''acute'', ''express''))',
        'CHECK (kind = ''normal'' OR kind = ''acute'' OR kind = ''express'')'),
        'CHECK (channel IN (''digital'', ''phone'', ''municipal'', ''customer_service''))',
        'CHECK (channel = ''digital'' OR channel = ''phone'' OR channel = ''municipal'' OR channel = ''customer_service'')'),
        'CHECK (delivery_method IN (''home'', ''pickup_point'', ''care_unit''))',
        'CHECK (delivery_method = ''home'' OR delivery_method = ''pickup_point'' OR delivery_method = ''care_unit'')'),
        'CHECK (notification IS NULL OR notification IN (''email'', ''letter'', ''phone'', ''sms''))',
        'CHECK (notification IS NULL OR notification = ''email'' OR notification = ''letter'' OR notification = ''phone'' OR notification = ''sms'')'),
        'CHECK (status IN (''received'', ''shipped'', ''partially_shipped'', ''delivered'',',
        'CHECK (status = ''received'' OR status = ''shipped'' OR status = ''partially_shipped'' OR status = ''delivered'' OR'),
        '''partially_delivered'', ''returned'', ''not_collected'', ''cancelled''))',
        'status = ''partially_delivered'' OR status = ''returned'' OR status = ''not_collected'' OR status = ''cancelled'')')
 WHERE type = 'table' AND name = 'orders';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (outcome IS NULL OR outcome IN (''delivered'', ''returned'', ''not_collected''))',
        'CHECK (outcome IS NULL OR outcome = ''delivered'' OR outcome = ''returned'' OR outcome = ''not_collected'')')
 WHERE type = 'table' AND name = 'shipments';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (outcome IS NULL OR outcome IN (''reached'', ''not_reached'', ''message_left''))',
        'CHECK (outcome IS NULL OR outcome = ''reached'' OR outcome = ''not_reached'' OR outcome = ''message_left'')')
 WHERE type = 'table' AND name = 'contact_cases';
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (topic IN (''order'', ''delivery'', ''prescription'', ''product'',',
        'CHECK (topic = ''order'' OR topic = ''delivery'' OR topic = ''prescription'' OR topic = ''product'' OR'),
        '''delay_contact'', ''other''))',
        'topic = ''delay_contact'' OR topic = ''other'')')
 WHERE type = 'table' AND name = 'calls';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (action IN (''read'', ''create'', ''update''))',
        'CHECK (action = ''read'' OR action = ''create'' OR action = ''update'')')
 WHERE type = 'table' AND name = 'access_log';
PRAGMA writable_schema = RESET;

-- Refuse to go on unless every list of words in these tables was replaced (the lists of two
-- numbers, IN (0, 1), are compared without a temporary table already).
CREATE TABLE migration_0009_check (ok INTEGER NOT NULL CHECK (ok = 1)) STRICT;
INSERT INTO migration_0009_check
SELECT count(*) = 5 AND sum(instr(upper(sql), ' IN (''') = 0) = 5 FROM sqlite_schema
 WHERE type = 'table' AND name IN ('orders', 'shipments', 'contact_cases', 'calls', 'access_log');
DROP TABLE migration_0009_check;
