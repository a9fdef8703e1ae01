/*
 * smtp.c - one SMTP transaction with libcurl (see smtp.h).
 */
#include "core/compat.h"
#include "mail/smtp.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "mail/mail.h"
#include "mail/outbound.h"
#include <curl/curl.h>

struct reader {
    const char *data; /* the message */
    size_t left;      /* bytes not yet handed to curl */
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    struct reader *r = arg;
    size_t n = size * nitems < r->left ? size * nitems : r->left;

    memcpy(buf, r->data, n);
    r->data += n;
    r->left -= n;
    return n;
}

/* "<addr>" as curl wants an envelope address. */
static char *bracketed(const char *addr)
{
    size_t n = strlen(addr) + 3;
    char *s = xmalloc(n);

    snprintf(s, n, "<%s>", addr);
    return s;
}

int smtp_send(const char *url, const struct outbound *msg, struct strbuf *err)
{
    struct reader r = {msg->data.buf, msg->data.len};
    char errbuf[CURL_ERROR_SIZE] = "", *from = bracketed(msg->from);
    struct curl_slist *rcpt = NULL;
    CURLcode res = CURLE_OUT_OF_MEMORY;
    long code = 0;
    CURL *curl;

    mail_setup();
    for (size_t i = 0; i < msg->nrcpt; i++) {
        char *b = bracketed(msg->rcpt[i]);
        struct curl_slist *more = curl_slist_append(rcpt, b);
        free(b);
        if (!more)
            goto out;
        rcpt = more;
    }
    if (!(curl = curl_easy_init()))
        goto out;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
#if LIBCURL_VERSION_NUM >= 0x080200
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#else
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#endif
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_READDATA, &r);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->data.len);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_SECS);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_SECS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    res = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(curl);
out:
    curl_slist_free_all(rcpt);
    free(from);
    if (res == CURLE_OK)
        return 0;
    return err_addf(err, DESK_EIO, "%s%s%s (smtp %ld)", curl_easy_strerror(res),
                    *errbuf ? ": " : "", errbuf, code);
}
