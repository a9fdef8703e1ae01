#include "core/compat.h"
#include "domain/canned.h"
#include "core/err.h"

const char *const canned_placeholder_names[] = {"requester_name", "requester_email",
                                                "organization",   "ticket_id",
                                                "subject",        "due",
                                                "agent_name",     NULL};

/* The placeholder of {{name}} at p (p points at "{{"): its index and *len (the whole
   {{name}}), or -1 when it is not one of ours (*len: up to "}}", or 2 when none closes). */
static int placeholder_at(const char *p, size_t *len)
{
    const char *end = strstr(p + 2, "}}");

    if (!end) {
        *len = 2;
        return -1;
    }
    *len = (size_t)(end + 2 - p);
    for (int i = 0; canned_placeholder_names[i]; i++) {
        size_t n = strlen(canned_placeholder_names[i]);
        if ((size_t)(end - p - 2) == n && !memcmp(p + 2, canned_placeholder_names[i], n))
            return i;
    }
    return -1;
}

int canned_check(const char *body, struct strbuf *err)
{
    for (const char *p = strstr(body, "{{"); p; p = strstr(p, "{{")) {
        size_t len;
        if (placeholder_at(p, &len) < 0)
            return err_addf(err, DESK_EINVAL,
                            "'%.*s' is not a placeholder (use {{requester_name}}, "
                            "{{requester_email}}, {{organization}}, {{ticket_id}}, {{subject}}, "
                            "{{due}} or {{agent_name}})",
                            (int)(len > 40 ? 40 : len), p);
        p += len;
    }
    return 0;
}

void canned_expand(const char *body, const char *const values[CP_COUNT], struct strbuf *out)
{
    const char *p = body, *q;

    while ((q = strstr(p, "{{"))) {
        size_t len;
        int i = placeholder_at(q, &len);
        strbuf_add(out, p, (size_t)(q - p));
        if (i >= 0)
            strbuf_addstr(out, values[i] ? values[i] : "");
        else
            strbuf_add(out, q, len);
        p = q + len;
    }
    strbuf_addstr(out, p);
}
