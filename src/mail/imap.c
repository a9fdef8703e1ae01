/*
 * imap.c - polling a mailbox with libcurl (see imap.h).
 *
 * One curl handle per poll keeps one connection for all its commands: a
 * custom "UID SEARCH UNSEEN", a fetch per message (the URL's ;UID=N, which
 * also sets \Seen), then "UID STORE" and "UID MOVE" (with CREATE, or COPY +
 * \Deleted + EXPUNGE where MOVE fails).
 *
 * The IDLE watch is a second handle, CURLOPT_CONNECT_ONLY: libcurl does the
 * greeting, TLS and login, and we speak CAPABILITY, SELECT, IDLE and DONE
 * with curl_easy_send/recv, waiting on its socket with poll() in short steps.
 */
#define LOG_MODULE "imap"
#include "core/compat.h"
#include "mail/imap.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "mail/mail.h"
#include "core/time.h"
#include <ctype.h>
#include <curl/curl.h>
#include <poll.h>
#include <strings.h>

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

/* ---- IDLE (RFC 2177) ------------------------------------------------------------ */

#define IDLE_LINE_MAX 8192 /* longer untagged lines are cut (none that matters is long) */
#define IDLE_TAG "sdi"     /* our tags: sdi1, sdi2, ... (libcurl's own are A001 ...) */

struct imap_idle {
    struct session s;         /* the connection, logged in by libcurl */
    curl_socket_t fd;         /* its socket, for poll() */
    imap_stop_fn stop;        /* while libcurl connects: give up when it says so */
    void *stop_arg;           /* its argument */
    unsigned tag_nr;          /* the last tag sent */
    size_t len, skip;         /* bytes in buf; of them the line handed out last */
    char buf[IDLE_LINE_MAX];  /* what the server sent, not yet read as lines */
};

static bool has_word_at(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && !strncasecmp(p, word, n);
}

bool imap_line_new_mail(const char *line, size_t len)
{
    const char *p = line + 2, *end = line + len;

    if (len < 3 || memcmp(line, "* ", 2) || !isdigit((unsigned char)*p))
        return false;
    while (p < end && isdigit((unsigned char)*p))
        p++;
    if (p == end || *p++ != ' ')
        return false;
    return end - p == 6 && (has_word_at(p, end, "EXISTS") || has_word_at(p, end, "RECENT"));
}

bool imap_line_offers_idle(const char *line, size_t len)
{
    const char *p = line, *end = line + len;

    if (!has_word_at(p, end, "* CAPABILITY "))
        return false;
    for (p += 13; p < end;) {
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if (p - w == 4 && has_word_at(w, p, "IDLE"))
            return true;
        while (p < end && *p == ' ')
            p++;
    }
    return false;
}

int imap_line_tagged(const char *line, size_t len, const char *tag)
{
    size_t n = strlen(tag);
    const char *p = line + n + 1, *end = line + len;

    if (len <= n || memcmp(line, tag, n) || line[n] != ' ')
        return 0;
    for (const char *const *w = (const char *const[]){"OK", "NO", "BAD", NULL}; *w; w++) {
        size_t k = strlen(*w);
        if (has_word_at(p, end, *w) && (p + k == end || p[k] == ' '))
            return **w == 'O' ? 1 : -1;
    }
    return 0;
}

static int64_t mono_ms(void)
{
    return time_mono_ns() / 1000000;
}

/* Wait until fd is ready for events, up to IMAP_IDLE_STEP_MS and the deadline. */
static void wait_fd(curl_socket_t fd, short events, int64_t deadline)
{
    int64_t left = deadline - mono_ms();
    struct pollfd pfd = {.fd = fd, .events = events};

    if (left > 0)
        poll(&pfd, 1, left < IMAP_IDLE_STEP_MS ? (int)left : IMAP_IDLE_STEP_MS);
}

static int send_line(struct imap_idle *w, const char *line, struct strbuf *err)
{
    int64_t deadline = mono_ms() + IMAP_TIMEOUT_SECS * 1000;
    size_t len = strlen(line), off = 0;

    while (off < len) {
        size_t sent = 0;
        CURLcode res = curl_easy_send(w->s.curl, line + off, len - off, &sent);
        if (res == CURLE_AGAIN) {
            if (mono_ms() >= deadline)
                return err_addf(err, DESK_EIO, "imap idle: sending timed out");
            wait_fd(w->fd, POLLOUT, deadline);
            continue;
        }
        if (res != CURLE_OK)
            return err_addf(err, DESK_EIO, "imap idle: %s", curl_easy_strerror(res));
        off += sent;
    }
    return 0;
}

/* Send "TAG command" with a new tag, kept in tag. */
static int send_command(struct imap_idle *w, const char *command, char *tag, size_t size,
                        struct strbuf *err)
{
    char line[FOLDER_MAX * 2 + 64];

    snprintf(tag, size, IDLE_TAG "%u", ++w->tag_nr);
    snprintf(line, sizeof(line), "%s %s\r\n", tag, command);
    return send_line(w, line, err);
}

/*
 * The next line the server sent (no CRLF) in *line, *len, valid until the next
 * call: 1; 0 when the deadline passed or stop said so first; DESK_EIO when the
 * connection closed or failed.
 */
static int next_line(struct imap_idle *w, int64_t deadline, imap_stop_fn stop, void *arg,
                     const char **line, size_t *len, struct strbuf *err)
{
    memmove(w->buf, w->buf + w->skip, w->len - w->skip);
    w->len -= w->skip;
    w->skip = 0;
    for (;;) {
        char *eol = memmem(w->buf, w->len, "\r\n", 2);
        size_t got = 0;
        CURLcode res;

        if (eol) {
            *line = w->buf;
            *len = (size_t)(eol - w->buf);
            w->skip = *len + 2;
            return 1;
        }
        if (w->len == sizeof(w->buf))
            w->len = 0; /* an overlong line: dropped, its end read as a line of its own */
        res = curl_easy_recv(w->s.curl, w->buf + w->len, sizeof(w->buf) - w->len, &got);
        if (res == CURLE_OK && got == 0)
            return err_addf(err, DESK_EIO, "imap idle: the server closed the connection");
        if (res == CURLE_OK) {
            w->len += got;
            continue;
        }
        if (res != CURLE_AGAIN)
            return err_addf(err, DESK_EIO, "imap idle: %s", curl_easy_strerror(res));
        if ((stop && stop(arg)) || mono_ms() >= deadline)
            return 0;
        wait_fd(w->fd, POLLIN, deadline);
    }
}

/*
 * Read until the tagged answer to tag; *idle notes a CAPABILITY line with IDLE,
 * *mail an announcement of new mail (either may be NULL). 0 for OK, DESK_EIO
 * for NO, BAD, BYE, a timeout or a failure.
 */
static int read_answer(struct imap_idle *w, const char *tag, imap_stop_fn stop, void *arg,
                       bool *idle, bool *mail, struct strbuf *err)
{
    int64_t deadline = mono_ms() + IMAP_TIMEOUT_SECS * 1000;
    const char *line;
    size_t len;
    int rc;

    while ((rc = next_line(w, deadline, stop, arg, &line, &len, err)) == 1) {
        if (idle && imap_line_offers_idle(line, len))
            *idle = true;
        if (mail && imap_line_new_mail(line, len))
            *mail = true;
        if (has_word_at(line, line + len, "* BYE"))
            return err_addf(err, DESK_EIO, "imap idle: the server said %.*s",
                            (int)(len < 200 ? len : 200), line);
        if ((rc = imap_line_tagged(line, len, tag)) > 0)
            return 0;
        if (rc < 0)
            return err_addf(err, DESK_EIO, "imap idle: %.*s", (int)(len < 200 ? len : 200), line);
    }
    return rc < 0 ? rc : err_addf(err, DESK_EIO, "imap idle: no answer to %s", tag);
}

static int stop_transfer(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                         curl_off_t ulnow)
{
    struct imap_idle *w = arg;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return w->stop && w->stop(w->stop_arg);
}

/* The mailbox the URL names, decoded, as an IMAP quoted string into out. */
static bool mailbox_name(const char *mailbox_url, char *out, size_t size)
{
    const char *p = strchr(strstr(mailbox_url, "://") + 3, '/') + 1;
    char *name = curl_easy_unescape(NULL, p, (int)strcspn(p, ";?"), NULL);
    bool ok = name && *name && quote_folder(name, out, size);

    curl_free(name);
    return ok;
}

int imap_idle_open(const struct imap_conf *c, imap_stop_fn stop, void *arg,
                   struct imap_idle **out, struct strbuf *err)
{
    struct imap_idle *w = xcalloc(1, sizeof(*w));
    char tag[32], cmd[FOLDER_MAX * 2 + 16], folder[FOLDER_MAX * 2 + 3];
    bool idle = false;
    CURLcode res;
    int rc;

    *out = NULL;
    if ((rc = session_open(&w->s, c, err)) < 0)
        goto fail;
    w->stop = stop;
    w->stop_arg = arg;
    curl_easy_setopt(w->s.curl, CURLOPT_URL, w->s.mailbox_url);
    curl_easy_setopt(w->s.curl, CURLOPT_CONNECT_ONLY, 1L);
    /* LOGOUT at the end waits at most this long (the default is two minutes) */
    curl_easy_setopt(w->s.curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)IMAP_CONNECT_SECS);
    curl_easy_setopt(w->s.curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(w->s.curl, CURLOPT_XFERINFOFUNCTION, stop_transfer);
    curl_easy_setopt(w->s.curl, CURLOPT_XFERINFODATA, w);
    if ((res = curl_easy_perform(w->s.curl)) != CURLE_OK) {
        rc = err_addf(err, DESK_EIO, "imap idle: connect: %s%s%s", curl_easy_strerror(res),
                      *w->s.errbuf ? ": " : "", w->s.errbuf);
        goto fail;
    }
    if (curl_easy_getinfo(w->s.curl, CURLINFO_ACTIVESOCKET, &w->fd) != CURLE_OK ||
        w->fd == CURL_SOCKET_BAD) {
        rc = err_addf(err, DESK_EIO, "imap idle: libcurl gives no socket");
        goto fail;
    }
    if ((rc = send_command(w, "CAPABILITY", tag, sizeof(tag), err)) < 0 ||
        (rc = read_answer(w, tag, stop, arg, &idle, NULL, err)) < 0)
        goto fail;
    if (!idle) {
        rc = err_addf(err, DESK_ENOTFOUND, "the server does not offer IDLE");
        goto fail;
    }
    if (!mailbox_name(w->s.mailbox_url, folder, sizeof(folder))) {
        rc = err_addf(err, DESK_EIO, "imap idle: the URL names no usable mailbox");
        goto fail;
    }
    snprintf(cmd, sizeof(cmd), "SELECT %s", folder);
    if ((rc = send_command(w, cmd, tag, sizeof(tag), err)) < 0 ||
        (rc = read_answer(w, tag, stop, arg, NULL, NULL, err)) < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    imap_idle_close(w);
    return rc;
}

int imap_idle_wait(struct imap_idle *w, int max_secs, imap_stop_fn stop, void *arg,
                   struct strbuf *err)
{
    int64_t deadline;
    bool mail = false, started = false;
    char tag[32];
    const char *line;
    size_t len;
    int rc;

    if ((rc = send_command(w, "IDLE", tag, sizeof(tag), err)) < 0)
        return rc;
    /* the continuation "+ idling" first (a refusal is a tagged NO), then news */
    deadline = mono_ms() + IMAP_TIMEOUT_SECS * 1000;
    while (!(mail && started) && (rc = next_line(w, deadline, stop, arg, &line, &len, err)) == 1) {
        if (!started && len && *line == '+') {
            started = true;
            deadline = mono_ms() + (int64_t)max_secs * 1000;
        } else if (imap_line_new_mail(line, len)) {
            mail = true;
        } else if (has_word_at(line, line + len, "* BYE") || imap_line_tagged(line, len, tag)) {
            return err_addf(err, DESK_EIO, "imap idle: %.*s", (int)(len < 200 ? len : 200), line);
        }
    }
    if (rc < 0)
        return rc;
    if (!started && stop && stop(arg))
        return 0; /* stopping: the connection is closed without DONE */
    if (!started)
        return err_addf(err, DESK_EIO, "imap idle: IDLE was not answered");
    /* DONE ends it; the tagged OK may bring more news, and stop no longer cuts it short */
    if ((rc = send_line(w, "DONE\r\n", err)) < 0 ||
        (rc = read_answer(w, tag, NULL, NULL, NULL, &mail, err)) < 0)
        return rc;
    return mail;
}

void imap_idle_close(struct imap_idle *w)
{
    if (!w)
        return;
    w->stop = NULL; /* LOGOUT is short (CURLOPT_SERVER_RESPONSE_TIMEOUT) */
    session_close(&w->s);
    free(w);
}
