/*
 * server.c - libmicrohttpd glue: collect a request, enforce body limits,
 * hand it to the router, send the response. A page's posted form
 * (urlencoded or multipart) goes through MHD's post processor into
 * req->form instead of req->body.
 *
 * Connections: MHD's epoll mode with a pool of threads (conf http-threads),
 * a limit per client address and in all, and a deadline on the whole
 * request header kept here (the watch below): MHD's own timeout is one of
 * inactivity, which each header line resets.
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
#include "http/api/api.h"
#include "http/waiters.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>

/* Body bytes read and dropped after a refusal (so that every client reads the answer) before
   the connection is closed instead. */
#define MAX_DISCARD (64u << 20)
/* Files kept open besides the connections: the database, its WAL, logs, backups, mail. */
#define FD_RESERVE 128
/* How often the watch looks for connections past their header deadline. */
#define WATCH_TICK_NS (250 * 1000000LL)
/* A held GET /api/v1/events is answered after this many seconds without events. */
#define EVENTS_HOLD_SECONDS 25
/* MHD's inactivity timeout (a body that stops arriving), seconds. */
#define IDLE_TIMEOUT 60

/*
 * One open connection, for the header deadline (MHD's socket_context).
 * deadline_ns is when the next request's header must be complete: set at
 * accept and when a response has been sent, 0 while a request is handled.
 */
struct conn_slot {
    int fd;                      /* the socket; valid until the CLOSED notification */
    _Atomic int64_t deadline_ns; /* monotonic; 0: none */
    struct conn_slot *prev, *next;
};

/*
 * The header deadline. The list is changed under lock by MHD's STARTED and
 * CLOSED notifications and walked under it by the watch thread, which
 * shuts a late connection's socket down (MHD then closes it): since MHD
 * closes a socket only after the CLOSED notification, which waits for
 * the lock, the watch never touches a number the kernel has reused.
 */
struct watch {
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* server_stop ends the thread */
    struct conn_slot head;  /* circular list of open connections */
    pthread_t thread;
    bool started, stopping;
    int64_t timeout_ns;     /* conf header_timeout_seconds */
};

struct exchange;

/*
 * The handlers' threads. MHD's threads read and write sockets and never
 * wait on the database: a request whose handler may (see offload()) is
 * suspended, queued here, run by a worker, answered and resumed. So a
 * write waiting ~1-10 ms for its group commit holds one worker, not the
 * other connections of an event-loop thread.
 */
struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work;     /* a job was queued, or stopping */
    struct exchange *head, *tail; /* queued requests */
    pthread_t *threads;
    size_t nr;               /* threads started */
    bool stopping;           /* no new job: handlers run in MHD's thread */
};

struct server {
    struct MHD_Daemon *daemon; /* the listener and its threads */
    const struct conf *conf;   /* settings, outlive the server */
    struct store *store;       /* the database */
    struct watch watch;        /* the header deadline */
    struct pool pool;          /* the handlers' threads; nr 0: none */
    struct waiters *waiters;   /* held GET /api/v1/events; NULL: none (no suspending) */
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
    size_t stored;             /* bytes of form values kept, against the route's limit */
    bool answered;             /* the response was decided before the body */
    bool form_too_big;         /* a form field that is not a file outgrew the limit */
    bool queued;               /* the response is queued: nothing more to do */
    int64_t start_ns;          /* for the latency histogram */
    struct MHD_Connection *conn; /* while queued for a worker or held */
    struct exchange *next;     /* in the pool's queue */
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
    struct form_field *f;

    (void)kind;
    (void)transfer_encoding;
    if (off == 0 || !req->nform) {
        if (req->nform == REQ_MAX_FORM)
            return MHD_YES; /* fields past the limit are dropped */
        req->form[req->nform++] = (struct form_field){
            arena_strdup(req->arena, key ? key : ""), "", 0,
            filename ? form_filename(req->arena, filename) : NULL,
            content_type ? arena_strdup(req->arena, content_type) : NULL, false};
    }
    f = &req->form[req->nform - 1];
    if (f->too_large)
        return MHD_YES;
    if (x->stored + size > route_body_limit(x->route)) {
        /* a file over the limit is dropped and flagged for the handler, which answers the
           form again with what was typed; any other field that large refuses the form */
        f->too_large = true;
        strbuf_release(&x->parts[req->nform - 1]);
        if (!f->filename)
            x->form_too_big = true;
        return MHD_YES;
    }
    x->stored += size;
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
    char *body;

    if (x->queued)
        return MHD_YES;
    x->queued = true;
    body = strbuf_detach(&res->body, &len);
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

/* The client waits for "100 Continue" before it sends the body. */
static bool expects_continue(const struct req *req)
{
    const char *e = req_header(req, MHD_HTTP_HEADER_EXPECT);

    return e && !strcasecmp(e, "100-continue");
}

/* ---- the header deadline -------------------------------------------------------- */

static struct conn_slot *conn_slot(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

/* A request's header is complete (0), or the next one's clock starts (the deadline). */
static void conn_deadline(struct server *srv, struct MHD_Connection *conn, bool start)
{
    struct conn_slot *slot = conn_slot(conn);

    if (slot)
        atomic_store(&slot->deadline_ns, start ? time_mono_ns() + srv->watch.timeout_ns : 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *srv = cls;
    struct watch *w = &srv->watch;
    struct conn_slot *slot = *socket_context;
    const union MHD_ConnectionInfo *ci;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        slot = xcalloc(1, sizeof(*slot));
        slot->fd = ci ? ci->connect_fd : -1;
        atomic_store(&slot->deadline_ns, time_mono_ns() + w->timeout_ns);
        pthread_mutex_lock(&w->lock);
        slot->prev = w->head.prev;
        slot->next = &w->head;
        w->head.prev->next = slot;
        w->head.prev = slot;
        pthread_mutex_unlock(&w->lock);
        *socket_context = slot;
    } else if (slot) {
        pthread_mutex_lock(&w->lock);
        slot->prev->next = slot->next;
        slot->next->prev = slot->prev;
        pthread_mutex_unlock(&w->lock);
        free(slot);
        *socket_context = NULL;
    }
}

/* Shut down every connection whose header is late; returns how many. */
static unsigned watch_sweep(struct watch *w, int64_t now)
{
    unsigned cut = 0;

    for (struct conn_slot *s = w->head.next; s != &w->head; s = s->next) {
        int64_t due = atomic_load(&s->deadline_ns);
        if (!due || due > now || s->fd < 0)
            continue;
        /* the header may complete just now: then the request fails, as it would have a
           moment later; clearing only if unchanged keeps a fresh deadline */
        if (atomic_compare_exchange_strong(&s->deadline_ns, &due, 0)) {
            shutdown(s->fd, SHUT_RDWR);
            cut++;
        }
    }
    return cut;
}

static void *watch_main(void *arg)
{
    struct watch *w = arg;
    int64_t logged_ns = 0;
    unsigned cut = 0;
    struct timespec ts;

    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += WATCH_TICK_NS;
        ts.tv_sec += ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&w->wake, &w->lock, &ts);
        if (w->stopping)
            break;
        cut += watch_sweep(w, time_mono_ns());
        if (cut && time_mono_ns() - logged_ns > 10 * 1000000000LL) {
            log_info("msg=\"closed connections whose request header took too long\" "
                     "connections=%u timeout_s=%lld",
                     cut, (long long)(w->timeout_ns / 1000000000));
            logged_ns = time_mono_ns();
            cut = 0;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void watch_init(struct watch *w, int64_t timeout_s)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    w->head.prev = w->head.next = &w->head;
    w->timeout_ns = timeout_s * 1000000000LL;
}

static int watch_start(struct watch *w)
{
    if (pthread_create(&w->thread, NULL, watch_main, w))
        return DESK_EIO;
    w->started = true;
    return 0;
}

/* Stop the thread (the list empties as MHD closes its connections). */
static void watch_stop(struct watch *w)
{
    if (w->started) {
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        w->started = false;
    }
}

static void watch_release(struct watch *w)
{
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
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

/* ---- the handlers' threads ------------------------------------------------------ */

/*
 * Which handlers go to the pool: every one that writes (it waits for the
 * group commit), the reads marked ROUTE_SLOW (a PDF, a report) and searches
 * (a `q`). Other reads (GET, HEAD) take microseconds from a pooled
 * connection that never waits for the writer, and run where they arrive:
 * a hand-over would cost more than they do.
 */
static bool offload(const struct req *req, const struct route *route)
{
    const char *q;

    if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
        return true;
    return (route->flags & ROUTE_SLOW) || ((q = req_query(req, "q")) && *q);
}

static void *pool_main(void *arg)
{
    struct pool *p = arg;
    struct exchange *x;

    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->work, &p->lock);
        if (!(x = p->head)) { /* stopping, and nothing left */
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        p->head = x->next;
        if (!p->head)
            p->tail = NULL;
        pthread_mutex_unlock(&p->lock);
        log_set_req(x->req.id);
        route_run(x->route, &x->req, &x->res);
        if (x->res.hold) { /* a worker holds nothing: what there is now */
            x->res.hold = false;
            api_events_answer(&x->req, &x->res, &x->res.hold_after, true);
        }
        log_set_req(0);
        /* MHD takes a response for a suspended connection from any thread */
        send_response(x->conn, x);
        MHD_resume_connection(x->conn);
    }
}

/*
 * Suspend conn and queue x for a worker. Returns false (nothing done) when
 * there is no pool or it is stopping: the caller runs the handler itself.
 */
static bool pool_push(struct pool *p, struct MHD_Connection *conn, struct exchange *x)
{
    if (!p->nr)
        return false;
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    MHD_suspend_connection(conn);
    x->conn = conn;
    x->next = NULL;
    if (p->tail)
        p->tail->next = x;
    else
        p->head = x;
    p->tail = x;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return true;
}

static void pool_init(struct pool *p)
{
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
}

static int pool_start(struct pool *p, size_t nr)
{
    p->threads = xcalloc(nr ? nr : 1, sizeof(*p->threads));
    for (; p->nr < nr; p->nr++)
        if (pthread_create(&p->threads[p->nr], NULL, pool_main, p))
            return DESK_EIO;
    return 0;
}

/* Finish every queued job (resuming its connection), then end the threads. */
static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->nr; i++)
        pthread_join(p->threads[i], NULL);
    p->nr = 0;
}

static void pool_release(struct pool *p)
{
    free(p->threads);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
}

/* ---- held requests (GET /api/v1/events) ------------------------------------------ */

/* The waiters' question (waiters.h): answer a held request when it has events. */
static bool answer_held(void *item, int64_t *after, bool last)
{
    struct exchange *x = item;

    log_set_req(x->req.id);
    if (!api_events_answer(&x->req, &x->res, after, last)) {
        log_set_req(0);
        return false;
    }
    send_response(x->conn, x);
    log_set_req(0);
    return true;
}

/*
 * The handler asked to hold the request (res.hold): list it with the waiters (true), or
 * answer now (false): 503 beyond their limits, the events so far when they are stopping.
 */
static bool hold_request(struct server *srv, struct MHD_Connection *conn, struct exchange *x)
{
    enum waiter_result r = WAITER_STOPPING;

    x->res.hold = false;
    x->conn = conn;
    if (srv->waiters)
        r = waiters_add(srv->waiters, conn, x, x->req.caller.user_id, x->res.hold_after);
    if (r == WAITER_HELD)
        return true;
    if (r == WAITER_FULL)
        res_error(&x->res, DESK_EBUSY, NULL, "too many clients wait for events; come back "
                                             "shortly");
    else
        api_events_answer(&x->req, &x->res, &x->res.hold_after, true);
    return false;
}

/* Refuse what arrived past MAX_DISCARD: answer now, and MHD closes the connection. */
static enum MHD_Result refuse_overflow(struct MHD_Connection *conn, struct exchange *x)
{
    if (!x->answered)
        route_error(x->route, &x->req, &x->res, DESK_ETOOBIG,
                    arena_sprintf(&x->arena, "body larger than %zu bytes",
                                  route_body_limit(x->route)));
    x->answered = true;
    return send_response(conn, x);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct server *srv = cls;
    struct exchange *x = *con_cls;
    size_t n = *upload_data_size;
    bool form;

    (void)version;
    if (!x) {
        conn_deadline(srv, conn, false);
        x = xcalloc(1, sizeof(*x));
        x->start_ns = time_mono_ns();
        *con_cls = x;
        first_call(srv, conn, x, url, method);
        log_set_req(x->req.id);
        /* An early answer to a client that waits for "100 Continue" goes now, and the body
           is never sent. Any other client is already sending it and reads no answer before it
           has: that body is read and dropped (up to MAX_DISCARD), then answered. */
        return x->answered && has_body(&x->req) && expects_continue(&x->req)
                   ? send_response(conn, x)
                   : MHD_YES;
    }
    *upload_data_size = 0;
    if (x->queued)
        return MHD_YES;
    if (n) {
        x->received += n;
        if (x->received > MAX_DISCARD)
            return refuse_overflow(conn, x);
        if (x->answered)
            return MHD_YES;
        if (!x->pp)
            strbuf_add(&x->body, upload_data, n);
        else
            MHD_post_process(x->pp, upload_data, n);
        return MHD_YES;
    }
    if (x->answered)
        return send_response(conn, x);
    form = x->pp != NULL;
    if (form)
        finish_form(x);
    if (strbuf_overflowed(&x->body) || x->form_too_big ||
        (!form && x->received > route_body_limit(x->route))) {
        route_error(x->route, &x->req, &x->res, DESK_ETOOBIG,
                    arena_sprintf(&x->arena, "body larger than %zu bytes",
                                  route_body_limit(x->route)));
    } else {
        x->req.body = x->body.buf;
        x->req.body_len = x->body.len;
        if (offload(&x->req, x->route) && pool_push(&srv->pool, conn, x))
            return MHD_YES; /* a worker answers it */
        route_run(x->route, &x->req, &x->res);
        if (x->res.hold && hold_request(srv, conn, x))
            return MHD_YES; /* the waiters answer it */
    }
    return send_response(conn, x);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct exchange *x = *con_cls;

    (void)toe;
    conn_deadline(cls, conn, true); /* the next request's header: from now */
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

/*
 * MHD's messages, at most one a second: a client refused at the connection
 * limits makes one each time it connects, and must not fill the log.
 */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    static _Atomic int64_t last_s = -1;
    static _Atomic unsigned dropped;
    struct strbuf sb = STRBUF_INIT;
    int64_t now_s = time_mono_ns() / 1000000000, prev = atomic_load(&last_s);
    unsigned more;
    char q[512];

    (void)cls;
    if (prev == now_s || !atomic_compare_exchange_strong(&last_s, &prev, now_s)) {
        atomic_fetch_add(&dropped, 1);
        return;
    }
    more = atomic_exchange(&dropped, 0);
    strbuf_vaddf(&sb, fmt, ap);
    while (sb.len && sb.buf[sb.len - 1] == '\n')
        strbuf_setlen(&sb, sb.len - 1);
    log_warn("msg=\"%s\" similar_before=%u", log_quote(sb.buf, q, sizeof(q)), more);
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

/*
 * Raise the soft limit of open files to the hard one (each connection is a
 * file) and return how many connections fit under it, at most want.
 */
static unsigned connection_budget(int64_t want)
{
    struct rlimit rl;
    rlim_t before;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return (unsigned)want;
    before = rl.rlim_cur;
    if (rl.rlim_cur != rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0)
            rl.rlim_cur = before;
        if (rl.rlim_cur != before)
            log_info("msg=\"raised the limit of open files\" from=%llu to=%llu",
                     (unsigned long long)before, (unsigned long long)rl.rlim_cur);
    }
    if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)want + FD_RESERVE > rl.rlim_cur) {
        int64_t fit = rl.rlim_cur > FD_RESERVE + 16 ? (int64_t)(rl.rlim_cur - FD_RESERVE) : 16;
        log_warn("msg=\"max-connections lowered to fit the limit of open files (ulimit -n)\" "
                 "max_connections=%lld open_files=%llu serving=%lld",
                 (long long)want, (unsigned long long)rl.rlim_cur, (long long)fit);
        want = fit;
    }
    return (unsigned)want;
}

int server_start(const struct conf *conf, struct store *st, struct server **out, int *port,
                 struct strbuf *err)
{
    struct sockaddr_storage addr;
    struct server *srv;
    const union MHD_DaemonInfo *info;
    bool v6;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    unsigned threads = (unsigned)conf->http_threads, limit;
    size_t workers = threads ? (size_t)conf->http_workers : 0;

    if (parse_listen(conf->listen, &addr, &v6, err) < 0)
        return DESK_EINVAL;
    if (v6)
        flags |= MHD_USE_IPv6;
    /* 0: a thread per connection (the model before the pool; kept to compare) */
    flags |= threads ? MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
                     : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    limit = connection_budget(conf->max_connections);
    if (threads > limit)
        threads = limit; /* MHD shares the limit out between the threads */
    srv = xcalloc(1, sizeof(*srv));
    srv->conf = conf;
    srv->store = st;
    watch_init(&srv->watch, conf->header_timeout_seconds);
    pool_init(&srv->pool);
    if (threads && !(srv->waiters = waiters_start(st, (unsigned)conf->events_max_waiters,
                                                  (unsigned)conf->events_per_user,
                                                  EVENTS_HOLD_SECONDS, answer_held))) {
        strbuf_addstr(err, "cannot start the HTTP server's threads");
        goto fail;
    }
    if (watch_start(&srv->watch) < 0 ||
        pool_start(&srv->pool, workers) < 0) {
        strbuf_addstr(err, "cannot start the HTTP server's threads");
        goto fail;
    }
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
        MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)conf->max_connections_per_address,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!srv->daemon) {
        strbuf_addf(err, "cannot listen on %s (in use, or not an address of this machine)",
                    conf->listen);
        goto fail;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    *out = srv;
    return 0;
fail:
    waiters_free(srv->waiters);
    pool_stop(&srv->pool);
    pool_release(&srv->pool);
    watch_stop(&srv->watch);
    watch_release(&srv->watch);
    free(srv);
    return DESK_EIO;
}

void server_stop(struct server *srv)
{
    if (!srv)
        return;
    /* the waiters and the workers answer and resume every suspended connection first: MHD
       may not stop with one suspended; requests that arrive meanwhile are answered in MHD's
       threads */
    waiters_stop(srv->waiters);
    pool_stop(&srv->pool);
    watch_stop(&srv->watch);
    MHD_stop_daemon(srv->daemon); /* its CLOSED notifications empty the watch's list */
    waiters_free(srv->waiters);
    pool_release(&srv->pool);
    watch_release(&srv->watch);
    free(srv);
}
