/*
 * events.c - GET /api/v1/events: a long-poll text/event-stream of the changes the caller may
 * see. An answer carries the events after the client's Last-Event-ID at once, or, with none,
 * the server holds the request without a thread (http/waiters.c) until some arrive or about
 * 25 s pass; then the response ends and EventSource comes back with Last-Event-ID.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "store/store.h"

/* Events in one answer at most. */
#define EVENTS_PER_ANSWER 100
/* The client reconnects this many milliseconds after an answer. */
#define EVENTS_RETRY_MS 1000

static const char *event_name(const struct store_event *e)
{
    if (!strcmp(e->entity, "chat")) /* a live chat accepted or closed */
        return "chat";
    if (strcmp(e->entity, "message"))
        return "ticket";
    return strcmp(e->channel, "chat") ? "message" : "chat";
}

static void add_event(struct strbuf *sb, const struct store_event *e)
{
    json_t *d = json_pack("{s:I,s:s,s:s}", "ticket_id", (json_int_t)e->ticket_id, "action",
                          e->action, "channel", e->channel);
    char *text;

    if (e->message_id) {
        json_object_set_new(d, "message_id", json_integer(e->message_id));
        json_object_set_new(d, "by", json_string(e->staff ? "staff" : "customer"));
        if (e->internal)
            json_object_set_new(d, "internal", json_true());
    }
    text = json_dumps(d, JSON_COMPACT);
    strbuf_addf(sb, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id, event_name(e), text);
    free(text);
    json_decref(d);
}

bool api_events_answer(struct req *req, struct res *res, int64_t *after, bool last)
{
    struct store_event *ev;
    int64_t seen;
    size_t n;

    if (store_events_after(req->store, &req->caller, *after, EVENTS_PER_ANSWER, &ev, &n, &seen,
                           req->arena) < 0 &&
        !last)
        return false; /* the database is away: ask again on the next tick */
    *after = seen;
    if (!n && !last)
        return false;
    res->status = 200;
    res->content_type = "text/event-stream";
    res_header(res, "Cache-Control", "no-store");
    res_header(res, "X-Accel-Buffering", "no");
    strbuf_addf(&res->body, "retry: %d\n\n", EVENTS_RETRY_MS);
    for (size_t i = 0; i < n; i++)
        add_event(&res->body, &ev[i]);
    /* where the next request starts: past rows read that were not for this caller */
    if (!n || ev[n - 1].id != seen)
        strbuf_addf(&res->body, ": no more events\nid: %lld\n\n", (long long)seen);
    return true;
}

/* The cursor: Last-Event-ID (EventSource sends it when it reconnects), else ?after=. */
static int events_cursor(struct req *req, struct res *res, int64_t *after)
{
    const char *field = "Last-Event-ID", *v = req_header(req, field);
    char *end;

    if (!v || !*v) {
        field = "after";
        v = req_query(req, field);
    }
    if (!v || !*v)
        return store_events_head(req->store, after) < 0
                   ? res_error(res, DESK_EBUSY, NULL, "the database does not answer")
                   : 0;
    errno = 0;
    *after = strtoll(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || errno || strlen(v) > 18)
        return res_error(res, DESK_EBADREQ, field, "%s must be an event id (digits)", field);
    return 0;
}

int api_events(struct req *req, struct res *res)
{
    int64_t after = 0;
    int rc = events_cursor(req, res, &after);

    if (rc < 0)
        return rc;
    if (!api_events_answer(req, res, &after, false)) {
        res->hold = true;
        res->hold_after = after;
    }
    return 0;
}
