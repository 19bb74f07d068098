-- Product areas as a code list kept as data (issue 18): LMN's areas are those of the 2019 text,
-- nutrition, incontinence (blås- och tarmdysfunktion), diabetes and stoma, and more may be added
-- by decision ("kan tillkomma"). articles.area was a CHECK of two words; it now refers to the list.
--
-- code:      the code lmn uses (files, rules, API); a lowercase word.
-- name:      the Swedish name the pages show.
-- code_1177: the value the national 1177 contract uses for the area (its fifth value, SÄRNÄR, is
--            no lmn area today).
-- position:  the order areas are listed in.
CREATE TABLE product_areas (
    code      TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 15 AND code NOT GLOB '*[^a-z_]*'),
    name      TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
    code_1177 TEXT UNIQUE,
    position  INTEGER NOT NULL UNIQUE
) STRICT, WITHOUT ROWID;

INSERT INTO product_areas (code, name, code_1177, position) VALUES
    ('nutrition', 'Nutrition', 'NUTRITION', 1),
    ('incontinence', 'Inkontinens', 'INKONTINENS', 2),
    ('diabetes', 'Diabetes', 'DIABETES', 3),
    ('stoma', 'Stomi', 'STOMI', 4);

-- articles.area: the CHECK becomes a foreign key to the list. Rebuilding articles would need
-- foreign keys off (order lines, prices and prescription items refer to it), which a migration
-- (one transaction) cannot switch; as migrations 0005, 0009 and 0016 do, the stored schema text
-- is edited instead. Every stored row has one of the two old words, both in the list, so every
-- row stays valid (checked below, as PRAGMA foreign_key_check would); the table's columns,
-- indexes, triggers and other keys are untouched.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'area             TEXT NOT NULL CHECK (area IN (''nutrition'', ''incontinence'')),',
                          'area             TEXT NOT NULL REFERENCES product_areas(code),')
 WHERE type = 'table' AND name = 'articles';
PRAGMA writable_schema = RESET;
-- Refuse to go on if the replacement did not happen or a stored article has an area not in the list.
CREATE TEMP TABLE migration_0018_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0018_check
SELECT instr(sql, 'REFERENCES product_areas(code)') > 0 AND instr(sql, '''incontinence''') = 0
  FROM sqlite_schema WHERE type = 'table' AND name = 'articles';
INSERT INTO migration_0018_check
SELECT NOT EXISTS (SELECT 1 FROM articles WHERE area NOT IN (SELECT code FROM product_areas));
DROP TABLE migration_0018_check;
