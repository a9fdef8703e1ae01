-- The query of a search text, term by term as on SQLite: each term (the text split at white
-- space, as the store joins them) is a phrase of its words, and every term must match. FTS5
-- reads "w1k_123" as the phrase w1k 123 (its tokenizer splits at the underscore, as
-- to_tsvector does); plainto_tsquery (0007) made it w1k & 123, which matched messages holding
-- the two words apart: on bench/bench-search.sh's messages q=w20k_777 found 22 requests on
-- PostgreSQL and 1 on SQLite.
CREATE OR REPLACE FUNCTION svcdesk_tsquery(text) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    q tsquery;
    term text;
BEGIN
    FOREACH term IN ARRAY regexp_split_to_array(coalesce($1, ''), '\s+') LOOP
        CONTINUE WHEN term = '';
        IF q IS NULL THEN
            q := phraseto_tsquery('english'::regconfig, svcdesk_unaccent(term));
        ELSE
            q := q && phraseto_tsquery('english'::regconfig, svcdesk_unaccent(term));
        END IF;
    END LOOP;
    RETURN q; -- NULL without terms: matches nothing, as the empty query (and no NOTICE)
END
$$;

-- What staff search, public messages and internal notes, as a stored column with its own GIN
-- index: the expression index on (public || internal) made every row a search reads
-- concatenate two documents first (bench/bench-search.sh: 190 ms against 1 ms for a word in
-- every message, once the store's query let PostgreSQL walk the requests newest first).
ALTER TABLE ticket_search ADD COLUMN everything tsvector GENERATED ALWAYS AS (public || internal) STORED;
CREATE INDEX ticket_search_everything ON ticket_search USING gin (everything);
DROP INDEX ticket_search_all;
-- No query reads internal notes alone (staff search everything, customers public).
DROP INDEX ticket_search_internal;
