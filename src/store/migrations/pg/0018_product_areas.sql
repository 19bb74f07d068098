-- PostgreSQL form of ../0018_product_areas.sql: product areas as a code list kept as data;
-- articles.area refers to it instead of a CHECK of two words. Adding the foreign key checks every
-- stored article against the list (the SQLite migration checks it by hand).
CREATE TABLE product_areas (
    code      text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 15 AND code !~ '[^a-z_]'),
    name      text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
    code_1177 text UNIQUE,
    position  bigint NOT NULL UNIQUE
);

INSERT INTO product_areas (code, name, code_1177, position) VALUES
    ('nutrition', 'Nutrition', 'NUTRITION', 1),
    ('incontinence', 'Inkontinens', 'INKONTINENS', 2),
    ('diabetes', 'Diabetes', 'DIABETES', 3),
    ('stoma', 'Stomi', 'STOMI', 4);

ALTER TABLE articles DROP CONSTRAINT articles_area_check,
    ADD CONSTRAINT articles_area_fkey FOREIGN KEY (area) REFERENCES product_areas(code);
