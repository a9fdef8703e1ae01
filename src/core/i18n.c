/*
 * i18n.c - languages (i18n.h): gettext catalogues read in a per-thread locale (uselocale),
 * which holds only LC_MESSAGES, so nothing else a thread formats (JSON numbers, times)
 * changes with the page's language; the catalogues are bound to UTF-8 whatever LC_CTYPE is.
 */
#define LOG_MODULE "i18n"
#include "core/compat.h"
#include "core/i18n.h"
#include "core/log.h"
#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <strings.h>
#include <unistd.h>

struct language {
    const char *code;     /* "da" */
    const char *name;     /* in the language itself, for the account page */
    const char *locale;   /* the system locale whose LC_MESSAGES selects the catalogue */
    locale_t messages;    /* LC_MESSAGES of that locale (the rest "C"); 0: not offered */
    char decimal, group;  /* the locale's decimal mark and thousands separator */
    char date_format[16]; /* its D_FMT */
};

static struct language languages[] = {
    {I18N_SOURCE, "English", NULL, 0, '.', ',', "%Y-%m-%d"},
    {"da", "Dansk", "da_DK.UTF-8", 0, ',', '.', "%d-%m-%Y"},
};

/* English always; the others once i18n_init found their locale (fixed from then on) */
static const char *offered_codes[ARRAY_SIZE(languages)] = {I18N_SOURCE};
static const char *offered_names[ARRAY_SIZE(languages)] = {"English"};
static size_t noffered = 1;
static bool initialised;

/* The catalogues beside the executable: /x/svcdesk reads /x/locale/da/LC_MESSAGES/... */
static void default_dir(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        snprintf(out, size, "locale");
        return;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(out, size, "%s/locale", exe);
}

static void open_language(struct language *l)
{
    locale_t full = newlocale(LC_ALL_MASK, l->locale, (locale_t)0);
    const char *s;

    if (!full) {
        log_warn("msg=\"language not offered: its system locale is missing (scripts/deps.sh "
                 "generates it)\" language=%s locale=%s",
                 l->code, l->locale);
        return;
    }
    if ((s = nl_langinfo_l(RADIXCHAR, full)) && strlen(s) == 1)
        l->decimal = s[0];
    if ((s = nl_langinfo_l(THOUSEP, full)) && strlen(s) == 1)
        l->group = s[0];
    if ((s = nl_langinfo_l(D_FMT, full)) && *s && strlen(s) < sizeof(l->date_format))
        snprintf(l->date_format, sizeof(l->date_format), "%s", s);
    freelocale(full);
    l->messages = newlocale(LC_MESSAGES_MASK, l->locale, (locale_t)0);
}

int i18n_init(const char *dir)
{
    char where[PATH_MAX + 16];

    if (initialised)
        return (int)noffered - 1;
    initialised = true;
    if (dir && *dir)
        snprintf(where, sizeof(where), "%s", dir);
    else
        default_dir(where, sizeof(where));
    bindtextdomain(I18N_DOMAIN, where);
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    for (size_t i = 1; i < ARRAY_SIZE(languages); i++) {
        open_language(&languages[i]);
        if (!languages[i].messages)
            continue;
        offered_codes[noffered] = languages[i].code;
        offered_names[noffered++] = languages[i].name;
    }
    log_debug("msg=\"languages\" offered=%zu catalogues=%s", noffered, where);
    return (int)noffered - 1;
}

static const struct language *find(const char *code)
{
    for (size_t i = 0; code && i < ARRAY_SIZE(languages); i++)
        if (!strcmp(languages[i].code, code) && (i == 0 || languages[i].messages))
            return &languages[i];
    return NULL;
}

bool i18n_offered(const char *code)
{
    return find(code) != NULL;
}

size_t i18n_languages(const char *const **codes, const char *const **names)
{
    *codes = offered_codes;
    *names = offered_names;
    return noffered;
}

/* ---- choosing ------------------------------------------------------------------------ */

/* The index in codes of the language tag t[0..len) ("da", "da-DK", "DA"), or -1. */
static int code_index(const char *t, size_t len, const char *const *codes, size_t n)
{
    const char *dash = memchr(t, '-', len);
    size_t primary = dash ? (size_t)(dash - t) : len;

    for (size_t i = 0; i < n; i++)
        if (strlen(codes[i]) == primary && !strncasecmp(codes[i], t, primary))
            return (int)i;
    return -1;
}

/* A weight "q=0.8" (after the ';') in thousandths; -1 when it does not parse. */
static int weight(const char *p, const char *end)
{
    int q = 0, digits = 0;

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
        return -1;
    p += 2;
    if (*p == '1')
        return 1000;
    if (*p != '0')
        return -1;
    p++;
    if (p < end && *p == '.')
        for (p++; p < end && *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
            q = q * 10 + (*p - '0');
    while (digits++ < 3)
        q *= 10;
    return q;
}

const char *i18n_pick_among(const char *profile, const char *accept, const char *const *codes,
                            size_t n)
{
    int best = -1, best_q = 0;
    const char *p = accept;

    if (profile && *profile && (best = code_index(profile, strlen(profile), codes, n)) >= 0)
        return codes[best];
    best = -1;
    for (size_t items = 0; p && *p && items < 32; items++) { /* "da, en-GB;q=0.8" */
        const char *end = strchr(p, ','), *semi, *tag;
        size_t len;
        int q = 1000, i;

        if (!end)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        tag = p;
        semi = memchr(p, ';', (size_t)(end - p));
        len = (size_t)((semi ? semi : end) - tag);
        while (len && (tag[len - 1] == ' ' || tag[len - 1] == '\t'))
            len--;
        if (semi)
            q = weight(semi + 1, end);
        if (q > best_q && len && (i = code_index(tag, len, codes, n)) >= 0)
            best = i, best_q = q;
        p = *end ? end + 1 : end;
    }
    return codes[best >= 0 ? best : 0];
}

const char *i18n_pick(const char *profile, const char *accept)
{
    const char *const *codes, *const *names;
    size_t n = i18n_languages(&codes, &names);

    return i18n_pick_among(profile, accept, codes, n);
}

/* ---- this thread's language ------------------------------------------------------------ */

static _Thread_local const struct language *current;

void i18n_use(const char *code)
{
    const struct language *l = find(code);

    current = l && l != &languages[0] ? l : NULL;
}

const char *i18n_current(void)
{
    return current ? current->code : I18N_SOURCE;
}

static const char *lookup(const struct language *l, const char *msgid)
{
    locale_t was;
    const char *s;

    if (!l || !l->messages || !msgid || !*msgid)
        return msgid;
    was = uselocale(l->messages);
    s = dgettext(I18N_DOMAIN, msgid);
    uselocale(was);
    return s;
}

const char *tr(const char *msgid)
{
    return lookup(current, msgid);
}

const char *tr_in(const char *code, const char *msgid)
{
    const struct language *l = find(code);

    return lookup(l == &languages[0] ? NULL : l, msgid);
}

void i18n_number(const char *s, char *out)
{
    char decimal = current ? current->decimal : '.', group = current ? current->group : ',';
    size_t i = 0;

    for (; s[i]; i++)
        out[i] = s[i] == '.' ? decimal : s[i] == ',' ? group : s[i];
    out[i] = '\0';
}

const char *i18n_date_format(void)
{
    return current ? current->date_format : languages[0].date_format;
}
