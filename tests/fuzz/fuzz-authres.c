/*
 * fuzz-authres.c - libFuzzer target for Authentication-Results fields and
 * signed reply addresses, the two things that decide whether a mail's
 * sender is trusted.
 *
 * Any input is a field value: the parser either refuses it (then it says
 * nothing: no results) or gives results whose every keyword is a non-empty
 * lower-case word and whose counts stay within the limits; a field vouches
 * only when it holds a dkim or dmarc "pass". The same bytes read as a
 * recipient address never verify for a sender other than the one they were
 * signed for, and an address made for (ticket, sender) always verifies.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "mail/authres.h"
#include "mail/replyto.h"
#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_word(const char *w, const char *what)
{
    if (!w || !*w)
        BUG("empty %s", what);
    for (const char *p = w; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            BUG("%s '%s' not lower case", what, w);
}

static void check_field(const struct authres *ar)
{
    bool pass = false;

    check_word(ar->authserv_id, "authserv-id");
    if (ar->nresults > AUTHRES_MAX_RESULTS)
        BUG("%zu results", ar->nresults);
    for (size_t i = 0; i < ar->nresults; i++) {
        const struct authres_result *r = &ar->results[i];
        check_word(r->method, "method");
        check_word(r->result, "result");
        if (r->nprops > AUTHRES_MAX_PROPS)
            BUG("%zu properties", r->nprops);
        for (size_t j = 0; j < r->nprops; j++) {
            check_word(r->props[j].ptype, "ptype");
            check_word(r->props[j].property, "property");
            if (!r->props[j].value)
                BUG("property without value");
        }
        pass |= (!strcmp(r->method, "dkim") || !strcmp(r->method, "dmarc")) &&
                !strcmp(r->result, "pass");
    }
    if (!pass && authres_field_vouches(ar, "acme.test"))
        BUG("a field without a pass vouches");
}

static void check_replyto(const char *s)
{
    static const uint8_t key[REPLYTO_KEY_LEN] = {42};
    struct arena a = ARENA_INIT;
    const char *mine;
    int64_t t = replyto_ticket(key, "support@vendor.test", s, "ca@acme.test", &a);

    if (t && replyto_ticket(key, "support@vendor.test", s, "cb@beta.test", &a))
        BUG("'%s' verifies for two senders", s);
    mine = replyto_address(key, "support@vendor.test", t ? t : 1, "ca@acme.test", &a);
    if (!mine || replyto_ticket(key, "support@vendor.test", mine, "ca@acme.test", &a) != (t ? t : 1))
        BUG("a signed address does not verify");
    arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct authres ar;
    char *s;
    const char *fields[2];

    if (size > AUTHRES_MAX_LEN + 16)
        return 0;
    if (authres_parse((const char *)data, size, &ar, &a) == 0)
        check_field(&ar);
    else if (ar.nresults)
        BUG("a refused field kept %zu results", ar.nresults);
    s = xstrndup((const char *)data, size);
    fields[0] = s;
    fields[1] = "mx.vendor.test; dkim=pass header.d=acme.test";
    /* when the input is a trusted field on top, the forged one below it is never read */
    {
        int rc = authres_parse(s, strlen(s), &ar, &a);
        bool v = authres_vouches(fields, 2, "mx.vendor.test", 1, "acme.test", &a);
        if (ar.authserv_id && !strcmp(ar.authserv_id, "mx.vendor.test") &&
            v != (rc == 0 && authres_field_vouches(&ar, "acme.test")))
            BUG("the field below the topmost trusted one was read");
    }
    check_replyto(s);
    free(s);
    arena_release(&a);
    return 0;
}
