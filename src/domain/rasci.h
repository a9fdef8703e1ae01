/*
 * rasci.h - responsibility matrices (SPEC 2.4): activities (rows) x parties
 * (columns), each cell a set of the letters R, A, S, C, I. Pure: no I/O.
 *
 * Rules: exactly one party is Accountable for each activity and at least
 * one is Responsible. A cell is written as letters in either case separated
 * by '/', ',', ';', '+' or spaces ("a, r", "A+R") and stored in one form,
 * the letters in alphabetical order joined by '/' ("A/R", "I/S").
 */
#ifndef DOMAIN_RASCI_H
#define DOMAIN_RASCI_H

#include "core/compat.h"
#include "core/strbuf.h"

/* Letters as bits, in alphabetical order (the stored form's order). */
enum rasci_letter {
    RASCI_A = 1 << 0, /* accountable */
    RASCI_C = 1 << 1, /* consulted */
    RASCI_I = 1 << 2, /* informed */
    RASCI_R = 1 << 3, /* responsible */
    RASCI_S = 1 << 4, /* supportive */
};

#define RASCI_CELL_LEN 10      /* "A/C/I/R/S" plus NUL */
#define RASCI_PARTIES_MAX 20   /* columns */
#define RASCI_ROWS_MAX 500     /* activities */
#define RASCI_NAME_MAX 200     /* characters of a matrix or party name */
#define RASCI_ACTIVITY_MAX 300 /* characters of an activity */

struct rasci_row {
    const char *activity;  /* 1..RASCI_ACTIVITY_MAX characters */
    const unsigned *cells; /* letters per party, in the matrix's party order */
};

struct rasci_matrix {
    int64_t id;                 /* 0 until stored */
    const char *name;           /* unique in any case */
    const char *const *parties; /* column names, unique in any case */
    size_t nparties;
    const struct rasci_row *rows; /* activities */
    size_t nrows;
    bool is_default;    /* the seeded matrix every customer may read */
    int64_t created_at; /* UTC seconds */
};

/*
 * Add the letters of cell text s[0..len) to *letters. Returns 0, or
 * DESK_EINVAL with a reason in err for any other character.
 */
int rasci_cell_parse(const char *s, size_t len, unsigned *letters, struct strbuf *err);
/* The stored form of a set of letters ("A/R"; "" for none) into out; returns out. */
const char *rasci_cell_format(unsigned letters, char out[RASCI_CELL_LEN]);
/*
 * Check one activity's cells (n parties): exactly one A, at least one R.
 * Returns 0 or DESK_EINVAL with a reason in err.
 */
int rasci_row_check(const unsigned *cells, size_t n, struct strbuf *err);
/* Index of party name (any case) in m's parties, or -1. */
int rasci_party_index(const struct rasci_matrix *m, const char *name);
/*
 * Check a whole matrix: 1..RASCI_PARTIES_MAX unique non-empty parties,
 * 1..RASCI_ROWS_MAX rows, each with an activity and valid cells. Returns 0,
 * or DESK_EINVAL with *row the row at fault (SIZE_MAX: the parties) and
 * err naming the activity.
 */
int rasci_matrix_check(const struct rasci_matrix *m, size_t *row, struct strbuf *err);

#endif
