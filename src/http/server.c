/*
 * server.c - libmicrohttpd glue: collect a request, enforce body limits,
 * hand it to the router, send the response. A page's posted form
 * (urlencoded or multipart) goes through MHD's post processor into
 * req->form instead of req->body.
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/server.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "http/metrics.h"
#include "http/router.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>

struct server {
    struct MHD_Daemon *daemon; /* the listener and its threads */
    const struct conf *conf;   /* settings, outlive the server */
    struct store *store;       /* the database */
};

/* One request in flight (MHD's con_cls). */
struct exchange {
    struct arena arena;        /* the request's allocations */
    struct req req;            /* what the handler sees */
    struct res res;            /* what it answers */
    const struct route *route; /* matched on the first call */
    struct strbuf body;        /* the body as it arrives, capped */
    struct MHD_PostProcessor *pp; /* a page's form being parsed; NULL otherwise */
    struct strbuf parts[REQ_MAX_FORM]; /* the values of req.form as they arrive */
    size_t received;           /* body bytes received, against the route's limit */
    bool answered;             /* the response was decided before the body */
    int64_t start_ns;          /* for the latency histogram */
};

static _Atomic uint64_t next_req_id = 1;

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct exchange *x = cls;
    struct req *req = &x->req;

    if (kind == MHD_HEADER_KIND && req->nheaders < REQ_MAX_HEADERS)
        req->headers[req->nheaders++] = (struct kv){key, value ? value : ""};
    else if (kind == MHD_GET_ARGUMENT_KIND && req->nquery < REQ_MAX_QUERY)
        req->query[req->nquery++] = (struct kv){key, value ? value : ""};
    return MHD_YES;
}

/*
 * A file name as the browser sent it in a multipart form: HTML's encoding
 * writes '"' as %22 (and CR, LF as %0D, %0A, left as they are); undo the
 * first, so that the name reads as the customer chose it.
 */
static const char *form_filename(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s), *w = out;

    for (const char *r = out; *r; r++) {
        if (!strncmp(r, "%22", 3)) {
            *w++ = '"';
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return out;
}

/* MHD's post processor hands over form fields in pieces; off 0 starts a new field. */
static enum MHD_Result on_form_data(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *filename, const char *content_type,
                                    const char *transfer_encoding, const char *data, uint64_t off,
                                    size_t size)
{
    struct exchange *x = cls;
    struct req *req = &x->req;

    (void)kind;
    (void)transfer_encoding;
    if (off == 0 || !req->nform) {
        if (req->nform == REQ_MAX_FORM)
            return MHD_YES; /* fields past the limit are dropped */
        req->form[req->nform++] = (struct form_field){
            arena_strdup(req->arena, key ? key : ""), "", 0,
            filename ? form_filename(req->arena, filename) : NULL,
            content_type ? arena_strdup(req->arena, content_type) : NULL};
    }
    strbuf_add(&x->parts[req->nform - 1], data, size);
    return MHD_YES;
}

/* The form is complete: flush the post processor, point req.form at the values. */
static void finish_form(struct exchange *x)
{
    MHD_destroy_post_processor(x->pp);
    x->pp = NULL;
    for (size_t i = 0; i < x->req.nform; i++) {
        x->req.form[i].value = x->parts[i].buf;
        x->req.form[i].len = x->parts[i].len;
    }
}

static void release_form(struct exchange *x)
{
    if (x->pp)
        MHD_destroy_post_processor(x->pp);
    for (size_t i = 0; i < REQ_MAX_FORM; i++)
        strbuf_release(&x->parts[i]);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct exchange *x)
{
    struct res *res = &x->res;
    struct MHD_Response *r;
    enum MHD_Result ok;
    size_t len;
    char *body = strbuf_detach(&res->body, &len);

    r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    for (size_t i = 0; i < res->nheaders; i++)
        MHD_add_response_header(r, res->headers[i].key, res->headers[i].value);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* served as https (public-url): browsers must never come back over plain http */
    if (conf_https(x->req.conf))
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    /* every 503 is a store or capacity that may serve again shortly */
    if (res->status == 503 && !MHD_get_response_header(r, "Retry-After"))
        MHD_add_response_header(r, "Retry-After", "2");
    ok = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

static bool has_body(const struct req *req)
{
    const char *cl = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);

    return (cl && strcmp(cl, "0")) || req_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* The peer's IP address as text (arena); "" when MHD cannot tell. */
static const char *client_address(struct MHD_Connection *conn, struct arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[INET6_ADDRSTRLEN] = "";
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
                  sizeof(text));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
                  sizeof(text));
    return arena_strdup(a, text);
}

/* First call for a request: route, authorise and check the announced size. */
static void first_call(struct server *srv, struct MHD_Connection *conn, struct exchange *x,
                       const char *url, const char *method)
{
    struct req *req = &x->req;
    const char *cl;

    req->arena = &x->arena;
    req->store = srv->store;
    req->conf = srv->conf;
    req->method = arena_strdup(&x->arena, method);
    req->path = arena_strdup(&x->arena, url);
    req->id = atomic_fetch_add(&next_req_id, 1);
    req->client_addr = client_address(conn, &x->arena);
    MHD_get_connection_values(conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND, collect_kv, x);
    cl = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    x->answered = route_prepare(req, &x->res, &x->route, cl ? strtoull(cl, NULL, 10) : 0) < 0;
    if (x->answered)
        return;
    strbuf_init_max(&x->body, route_body_limit(x->route));
    x->answered = false;
    if ((x->route->flags & ROUTE_PAGE) && !strcmp(method, "POST"))
        x->pp = MHD_create_post_processor(conn, 64 * 1024, on_form_data, x);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct server *srv = cls;
    struct exchange *x = *con_cls;

    (void)version;
    if (!x) {
        x = xcalloc(1, sizeof(*x));
        x->start_ns = time_mono_ns();
        *con_cls = x;
        first_call(srv, conn, x, url, method);
        log_set_req(x->req.id);
        /* an early answer with a body on its way is sent now (before reading it); without
           a body it waits for the final call so that the connection stays open */
        return x->answered && has_body(&x->req) ? send_response(conn, x) : MHD_YES;
    }
    if (x->answered)
        return *upload_data_size ? (*upload_data_size = 0, MHD_YES) : send_response(conn, x);
    if (*upload_data_size) {
        x->received += *upload_data_size;
        if (!x->pp)
            strbuf_add(&x->body, upload_data, *upload_data_size);
        else if (x->received <= route_body_limit(x->route))
            MHD_post_process(x->pp, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strbuf_overflowed(&x->body) || x->received > route_body_limit(x->route)) {
        route_error(x->route, &x->req, &x->res, DESK_ETOOBIG,
                    arena_sprintf(&x->arena, "body larger than %zu bytes",
                                  route_body_limit(x->route)));
    } else {
        if (x->pp)
            finish_form(x);
        x->req.body = x->body.buf;
        x->req.body_len = x->body.len;
        route_run(x->route, &x->req, &x->res);
    }
    return send_response(conn, x);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct exchange *x = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!x)
        return;
    metrics_request(x->res.status, time_mono_ns() - x->start_ns);
    if (x->res.status >= 500)
        log_warn("msg=\"request failed\" method=%s status=%d", x->req.method, x->res.status);
    log_set_req(0);
    strbuf_release(&x->body);
    release_form(x);
    res_release(&x->res);
    arena_release(&x->arena);
    free(x);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct strbuf sb = STRBUF_INIT;
    char q[512];

    (void)cls;
    strbuf_vaddf(&sb, fmt, ap);
    while (sb.len && sb.buf[sb.len - 1] == '\n')
        strbuf_setlen(&sb, sb.len - 1);
    log_warn("msg=\"%s\"", log_quote(sb.buf, q, sizeof(q)));
    strbuf_release(&sb);
}

/* Parse "A.B.C.D:PORT" or "[v6]:PORT". */
static int parse_listen(const char *s, struct sockaddr_storage *ss, bool *v6, struct strbuf *err)
{
    const char *colon = strrchr(s, ':');
    char host[64];
    char *end;
    long port;

    memset(ss, 0, sizeof(*ss));
    if (!colon || (size_t)(colon - s) >= sizeof(host))
        goto bad;
    port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        goto bad;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *v6 = host[0] == '[';
    if (*v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        size_t n = strlen(host);
        if (n < 3 || host[n - 1] != ']')
            goto bad;
        host[n - 1] = '\0';
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            goto bad;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
            goto bad;
    }
    return 0;
bad:
    strbuf_addf(err, "listen: '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)", s);
    return DESK_EINVAL;
}

int server_start(const struct conf *conf, struct store *st, struct server **out, int *port,
                 struct strbuf *err)
{
    struct sockaddr_storage addr;
    struct server *srv;
    const union MHD_DaemonInfo *info;
    bool v6;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;

    if (parse_listen(conf->listen, &addr, &v6, err) < 0)
        return DESK_EINVAL;
    if (v6)
        flags |= MHD_USE_IPv6;
    srv = xcalloc(1, sizeof(*srv));
    srv->conf = conf;
    srv->store = st;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, (unsigned)conf->max_connections,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!srv->daemon) {
        strbuf_addf(err, "cannot listen on %s (in use, or not an address of this machine)",
                    conf->listen);
        free(srv);
        return DESK_EIO;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    *out = srv;
    return 0;
}

void server_stop(struct server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->daemon);
    free(srv);
}
