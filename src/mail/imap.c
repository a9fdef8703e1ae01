/*
 * imap.c - polling a mailbox with libcurl (see imap.h).
 *
 * One curl handle per poll keeps one connection for all its commands: a
 * custom "UID SEARCH UNSEEN", a fetch per message (the URL's ;UID=N, which
 * also sets \Seen), then "UID STORE" and "UID MOVE" (with CREATE, or COPY +
 * \Deleted + EXPUNGE where MOVE fails).
 */
#define LOG_MODULE "imap"
#include "core/compat.h"
#include "mail/imap.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "mail/mail.h"
#include <curl/curl.h>

#define FOLDER_MAX 200 /* longest folder name for imap-move-to */

struct session {
    CURL *curl;                   /* the connection */
    char *mailbox_url;            /* imap[s]://HOST:PORT/MAILBOX, no '/' at the end */
    struct strbuf resp;           /* what the last command wrote */
    char errbuf[CURL_ERROR_SIZE]; /* curl's detail of the last failure */
};

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
    strbuf_add(arg, p, size * n);
    return strbuf_overflowed(arg) ? 0 : size * n;
}

/* The URL with its mailbox: INBOX when it names none; no trailing '/'. */
static char *mailbox_url(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *path = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
    size_t n = strlen(url);
    char *out;

    while (n && url[n - 1] == '/')
        n--;
    if (!path || (size_t)(path - url) >= n) {
        out = xmalloc(n + sizeof("/INBOX"));
        memcpy(out, url, n);
        memcpy(out + n, "/INBOX", sizeof("/INBOX"));
        return out;
    }
    return xstrndup(url, n);
}

/* 0, or DESK_EBUSY when libcurl has no handle to give (no memory): the poll is tried later. */
static int session_open(struct session *s, const struct imap_conf *c, struct strbuf *err)
{
    mail_setup();
    s->mailbox_url = mailbox_url(c->url);
    strbuf_init_max(&s->resp, MAX_MAIL_SIZE);
    s->errbuf[0] = '\0';
    if (!(s->curl = curl_easy_init())) {
        strbuf_addstr(err, "cannot start a libcurl session (out of memory)");
        return DESK_EBUSY;
    }
    if (c->user)
        curl_easy_setopt(s->curl, CURLOPT_USERNAME, c->user);
    if (c->password)
        curl_easy_setopt(s->curl, CURLOPT_PASSWORD, c->password);
    curl_easy_setopt(s->curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, (long)IMAP_CONNECT_SECS);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, (long)IMAP_TIMEOUT_SECS);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &s->resp);
    curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf);
    return 0;
}

static void session_close(struct session *s)
{
    if (s->curl)
        curl_easy_cleanup(s->curl);
    free(s->mailbox_url);
    strbuf_release(&s->resp);
}

/*
 * Run one request: the mailbox URL plus suffix, and the custom command
 * (NULL: the URL's own fetch). What the server sent is in s->resp.
 */
static int command(struct session *s, const char *suffix, const char *custom, struct strbuf *err)
{
    char *url = xmalloc(strlen(s->mailbox_url) + strlen(suffix) + 1);
    CURLcode res;

    memcpy(url, s->mailbox_url, strlen(s->mailbox_url));
    memcpy(url + strlen(s->mailbox_url), suffix, strlen(suffix) + 1);
    strbuf_reset(&s->resp);
    s->errbuf[0] = '\0';
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, custom);
    res = curl_easy_perform(s->curl);
    free(url);
    if (res == CURLE_OK)
        return 0;
    return err_addf(err, DESK_EIO, "imap %s: %s%s%s", custom ? custom : "fetch",
                    curl_easy_strerror(res), *s->errbuf ? ": " : "", s->errbuf);
}

/* The UIDs of "* SEARCH n n n" lines in resp, ascending, at most max. */
static size_t parse_search(const struct strbuf *resp, unsigned long *uids, size_t max)
{
    const char *line = resp->buf;
    size_t n = 0;

    while ((line = strstr(line, "* SEARCH"))) {
        char *end;
        line += 8;
        for (;;) {
            unsigned long v = strtoul(line, &end, 10);
            if (end == line || n == max)
                break;
            uids[n++] = v;
            line = end;
        }
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: servers send them in order already */
        for (size_t j = i; j > 0 && uids[j - 1] > uids[j]; j--) {
            unsigned long t = uids[j];
            uids[j] = uids[j - 1];
            uids[j - 1] = t;
        }
    return n;
}

/* Move message uid to folder f (quoted already): MOVE, then CREATE + MOVE, then COPY. */
static int move(struct session *s, unsigned long uid, const char *f, struct strbuf *err)
{
    char cmd[FOLDER_MAX * 2 + 64];
    struct strbuf ignored = STRBUF_INIT;
    int rc;

    snprintf(cmd, sizeof(cmd), "UID MOVE %lu %s", uid, f);
    if (command(s, "", cmd, &ignored) == 0)
        goto out;
    snprintf(cmd, sizeof(cmd), "CREATE %s", f);
    command(s, "", cmd, &ignored); /* fails when it exists: fine */
    snprintf(cmd, sizeof(cmd), "UID MOVE %lu %s", uid, f);
    if (command(s, "", cmd, &ignored) == 0)
        goto out;
    snprintf(cmd, sizeof(cmd), "UID COPY %lu %s", uid, f);
    if ((rc = command(s, "", cmd, err)) < 0)
        goto fail;
    snprintf(cmd, sizeof(cmd), "UID STORE %lu +FLAGS (\\Deleted)", uid);
    if ((rc = command(s, "", cmd, err)) < 0 || (rc = command(s, "", "EXPUNGE", err)) < 0)
        goto fail;
out:
    strbuf_release(&ignored);
    return 0;
fail:
    strbuf_release(&ignored);
    return rc;
}

/* The folder name as an IMAP quoted string into out; false when it cannot be one. */
static bool quote_folder(const char *name, char *out, size_t size)
{
    size_t n = 0;

    out[n++] = '"';
    for (; *name; name++) {
        if ((unsigned char)*name < 0x20 || n + 4 >= size)
            return false;
        if (*name == '"' || *name == '\\')
            out[n++] = '\\';
        out[n++] = *name;
    }
    out[n++] = '"';
    out[n] = '\0';
    return true;
}

/* Mark message uid \Seen and move it to imap-move-to when set. */
static int finish(struct session *s, const struct imap_conf *c, unsigned long uid,
                  struct strbuf *err)
{
    char cmd[64], folder[FOLDER_MAX * 2 + 3];
    int rc;

    snprintf(cmd, sizeof(cmd), "UID STORE %lu +FLAGS (\\Seen)", uid);
    if ((rc = command(s, "", cmd, err)) < 0 || !c->move_to)
        return rc;
    if (!quote_folder(c->move_to, folder, sizeof(folder)))
        return err_addf(err, DESK_EIO, "imap-move-to '%s' is not a folder name", c->move_to);
    return move(s, uid, folder, err);
}

/*
 * Fetch message uid and hand it to fn; then finish it, or leave it unseen
 * when fn asks. A message over MAX_MAIL_SIZE is finished unread (with a
 * warning): it would otherwise block the mailbox at every poll.
 */
static int process(struct session *s, const struct imap_conf *c, unsigned long uid,
                   imap_handler fn, void *arg, int *handled, struct strbuf *err)
{
    struct strbuf fetch_err = STRBUF_INIT;
    char suffix[32], cmd[64];
    int rc;

    snprintf(suffix, sizeof(suffix), ";UID=%lu", uid);
    rc = command(s, suffix, NULL, &fetch_err);
    if (rc < 0 && !strbuf_overflowed(&s->resp)) {
        strbuf_addstr(err, fetch_err.buf);
        strbuf_release(&fetch_err);
        return rc;
    }
    strbuf_release(&fetch_err);
    if (rc < 0) {
        log_warn("msg=\"message over the size limit; marked seen\" uid=%lu limit_mib=%u", uid,
                 MAX_MAIL_SIZE >> 20);
    } else if (fn(s->resp.buf, s->resp.len, arg) < 0) {
        snprintf(cmd, sizeof(cmd), "UID STORE %lu -FLAGS (\\Seen)", uid);
        return command(s, "", cmd, err);
    } else {
        (*handled)++;
    }
    return finish(s, c, uid, err);
}

int imap_poll(const struct imap_conf *c, int max, imap_handler fn, void *arg, int *handled,
              struct strbuf *err)
{
    struct session s;
    unsigned long *uids = xcalloc((size_t)max, sizeof(*uids));
    size_t n;
    int rc;

    *handled = 0;
    if ((rc = session_open(&s, c, err)) == 0 &&
        (rc = command(&s, "", "UID SEARCH UNSEEN", err)) == 0) {
        n = parse_search(&s.resp, uids, (size_t)max);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = process(&s, c, uids[i], fn, arg, handled, err);
    }
    session_close(&s);
    free(uids);
    return rc;
}
