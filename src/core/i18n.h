/*
 * i18n.h - the languages of the interface: English, in which the sources are written, and
 * each catalogue of po/ (po/da.po: Danish), compiled by msgfmt into
 * LOCALE_DIR/LANG/LC_MESSAGES/svcdesk.mo and read with gettext.
 *
 * Each thread has a language (i18n_use, set by the router for the page it makes); tr() gives
 * a text in it. The language of a page is the user's own choice (users.language) or else the
 * best of the browser's Accept-Language (i18n_pick). Templates are translated once per
 * language when they are parsed (http/tmpl.c), so a page costs no catalogue lookups for its
 * text. A language is offered only when its system locale exists (da_DK.UTF-8, which
 * scripts/deps.sh generates); without it the pages stay English and the start says so.
 *
 * Numbers and dates follow the language: i18n_number() turns "1,234.50" into "1.234,50" for
 * Danish, and i18n_date_format() is the locale's date (nl_langinfo D_FMT).
 *
 *     i18n_init("/usr/share/svcdesk/locale");   (at start, before any thread)
 *     i18n_use(i18n_pick(user_language, accept_language_header));
 *     page_error(..., tr("the request was not saved"));
 */
#ifndef CORE_I18N_H
#define CORE_I18N_H

#include "core/compat.h"

#define I18N_DOMAIN "svcdesk"   /* the catalogues' name: svcdesk.pot, svcdesk.mo */
#define I18N_SOURCE "en"        /* the language of the sources, which needs no catalogue */
#define I18N_CODE_MAX 8         /* the longest language code, such as "da" */

/* Marks a text for the catalogue without translating it here (tr() it where it is shown). */
#define TR_NOOP(s) (s)

/*
 * Bind the catalogues under dir (NULL: next to the executable, in ../share/locale... see
 * i18n.c) and open each language's locale. Call once, before threads; later calls do nothing.
 * Returns how many languages beyond English are offered.
 */
int i18n_init(const char *dir);

/* Whether code is an offered language ("en", or one with a catalogue and a locale). */
bool i18n_offered(const char *code);

/* The offered languages in their order, English first: code and name in that language. */
size_t i18n_languages(const char *const **codes, const char *const **names);

/*
 * The language for a page: profile when it names an offered language, else the first offered
 * language of accept (an Accept-Language header: "da, en-GB;q=0.8, *;q=0.1"; weights and
 * subtags honoured, "da-DK" counts as "da"), else English. Both may be NULL.
 */
const char *i18n_pick(const char *profile, const char *accept);

/* The same over a given list of codes (for tests): the chosen element of codes, or codes[0]. */
const char *i18n_pick_among(const char *profile, const char *accept, const char *const *codes,
                            size_t n);

/* This thread's language from now on (NULL or unknown: English); i18n_current() tells it. */
void i18n_use(const char *code);
const char *i18n_current(void);

/* msgid in this thread's language (msgid itself when it has no translation). */
const char *tr(const char *msgid);
/* msgid in the language code. */
const char *tr_in(const char *code, const char *msgid);

/*
 * A number written the English way ("-1,234.50", digits, an optional sign, ',' groups and
 * one '.') rewritten for this thread's language into out (size at least strlen(s) + 1): the
 * decimal mark and group separator of its locale. out may be s.
 */
void i18n_number(const char *s, char *out);

/* This thread's language's date format for strftime ("%Y-%m-%d" for English). */
const char *i18n_date_format(void);

#endif
