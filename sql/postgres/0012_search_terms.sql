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

-- Word pairs. GIN indexes words, not where they stand: a term such as w20k_777 (the phrase
-- w20k 777) whose words are each common made PostgreSQL read and check the positions of
-- every document holding both words, or walk the requests newest first, because it takes
-- the phrase for as common as its words (100-145 ms over 1,000,000 messages; FTS5 keeps
-- positions in its index). So the documents of requests also hold each pair of adjacent
-- words as one lexeme "w20k 777" (a space, which no lexeme of the parser has, and no
-- position), and a term's query asks for its pairs besides its phrase: a pair is as rare
-- as the phrase, so the planner reads the GIN index for it, and the phrase is still
-- checked. A document that holds the phrase holds its pairs (both come from the same
-- positions), so no match is lost.
-- (a loop over the positions in order: 15 us a request's text, where a self-join of the
-- positions took 50 us and cost creating a request a quarter of its rate)
CREATE FUNCTION svcdesk_word_pairs(doc tsvector) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    r record;
    pairs text[] := '{}';
    prev text;
    prev_pos int := -1;
BEGIN
    FOR r IN SELECT lexeme, pos FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(doc)) x
             ORDER BY pos LOOP
        IF r.pos = prev_pos + 1 THEN
            pairs := pairs || (prev || ' ' || r.lexeme);
        END IF;
        prev := r.lexeme;
        prev_pos := r.pos;
    END LOOP;
    RETURN pairs;
END
$$;

-- The document of a request's text: its words (svcdesk_tsvector) and their pairs.
CREATE FUNCTION svcdesk_ticket_document(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT d || array_to_tsvector(svcdesk_word_pairs(d))
          FROM (SELECT svcdesk_tsvector($1) AS d) x $$;

-- The query of a search of requests: svcdesk_tsquery, and the pairs of each term.
CREATE FUNCTION svcdesk_ticket_tsquery(text) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    q tsquery := svcdesk_tsquery($1);
    term text;
    pair text;
BEGIN
    IF q IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH term IN ARRAY regexp_split_to_array($1, '\s+') LOOP
        CONTINUE WHEN term = '';
        FOREACH pair IN ARRAY svcdesk_word_pairs(svcdesk_tsvector(term)) LOOP
            q := q && ('''' || replace(replace(pair, '\', '\\'), '''', '''''') || '''')::tsquery;
        END LOOP;
    END LOOP;
    RETURN q;
END
$$;

CREATE OR REPLACE FUNCTION svcdesk_ticket_search_refresh(ids BIGINT[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM 1 FROM ticket_search WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
    INSERT INTO ticket_search (id, public, internal)
        SELECT id, svcdesk_ticket_document(public), svcdesk_ticket_document(internal)
        FROM ticket_search_text WHERE id = ANY (ids)
        ON CONFLICT (id) DO UPDATE SET public = excluded.public, internal = excluded.internal;
END
$$;

CREATE OR REPLACE FUNCTION svcdesk_ticket_search_ticket_ai() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO ticket_search (id, public, internal)
        VALUES (new.id, svcdesk_ticket_document(new.subject || E'\n' || new.body),
                svcdesk_tsvector(''))
        ON CONFLICT (id) DO UPDATE SET public = excluded.public, internal = excluded.internal;
    RETURN NULL;
END
$$;

-- the documents there are, with their pairs
UPDATE ticket_search s SET public = svcdesk_ticket_document(x.public),
                           internal = svcdesk_ticket_document(x.internal)
    FROM ticket_search_text x WHERE x.id = s.id;
