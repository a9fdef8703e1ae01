-- The language a user reads the pages in (issue 15): a code of core/i18n.h such as 'da';
-- NULL: the browser's Accept-Language.
ALTER TABLE users ADD COLUMN language TEXT;
