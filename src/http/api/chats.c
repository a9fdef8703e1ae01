/*
 * chats.c - live chat (issue 16): POST/GET /api/v1/chats, GET /api/v1/chats/{id}, its
 * messages, accept and close. domain/chat.h has the rules, store/chats.c the writes.
 *
 * A customer whose organisation has live chat (the live_chat add-on in effect, or a signed
 * agreement in effect with the live_chat extra: store_feature_runs, as API tokens and
 * alerts are gated) opens one; it is a request of channel chat at once, so its lines are
 * that request's conversation and GET /api/v1/events carries them (event: chat). Staff list
 * and accept waiting chats; either side closes one, answered with its request's id. Another
 * organisation's chat is 404, as a missing one (the store filters).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/chat.h"
#include "http/input.h"
#include "store/store.h"

static json_t *person(int64_t id, const char *name)
{
    return id ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name ? name : "")
              : json_null();
}

json_t *api_chat_json(const struct chat *ch)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "id", (json_int_t)ch->id, "organization_id",
                     (json_int_t)ch->organization_id, "organization_name",
                     ch->organization_name ? ch->organization_name : "", "ticket_id",
                     (json_int_t)ch->ticket_id, "status", chat_status_name(ch->status),
                     "subject", ch->subject ? ch->subject : "", "body",
                     ch->body ? ch->body : "", "customer",
                     person(ch->customer_id, ch->customer_name), "agent",
                     person(ch->agent_id, ch->agent_name), "created_at",
                     json_time(ch->created_at), "last_message_at",
                     json_time(ch->last_message_at), "accepted_at", json_time(ch->accepted_at),
                     "closed_at", json_time(ch->closed_at), "closed_by",
                     json_id(ch->closed_by));
}

static json_t *line_json(int64_t chat_id, const struct message *m)
{
    return json_pack("{s:I, s:I, s:I, s:o, s:s, s:b, s:s, s:o}", "id", (json_int_t)m->id,
                     "chat_id", (json_int_t)chat_id, "ticket_id", (json_int_t)m->ticket_id,
                     "author_id", json_id(m->author_id), "author_name",
                     m->author_name ? m->author_name : "", "staff", m->staff, "body", m->body,
                     "created_at", json_time(m->created_at));
}

/* 422 naming field when text is no acceptable chat line; else 0. */
static int check_line(struct res *res, const char *field, const char *text)
{
    const char *why = chat_text_problem(text, strlen(text));

    return why ? res_error(res, DESK_EINVAL, field, "%s %s", field, why) : 0;
}

/* 403 unless c's organisation has live chat today; 0 when it has. */
static int chat_entitled(struct req *req, struct res *res)
{
    int64_t org = req->caller.organization_id;
    int rc = store_feature_runs(req->store, org, "live_chat", time_now());

    if (rc < 0)
        return res_error(res, rc, NULL, "the database does not answer");
    if (rc == 0)
        return res_error(res, DESK_EDENIED, NULL,
                         "not entitled: live chat is part of the live-chat add-on (live_chat), "
                         "which organization %" PRId64 " has not bought, nor an agreement in "
                         "effect with the live_chat extra; write a request instead",
                         org);
    return 0;
}

/* ---- POST /api/v1/chats ----------------------------------------------------------------- */

static const struct field_spec open_fields[] = {
    {"subject", F_LINE, true, 1, CHAT_SUBJECT_MAX, NULL},
    {"body", F_STRING, true, 1, CHAT_MESSAGE_MAX, NULL},
};

int api_chat_open(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct chat ch;
    json_t *in;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER)
        return res_error(res, DESK_EDENIED, NULL,
                         "only a customer opens a chat (staff accept them: "
                         "POST /api/v1/chats/{id}/accept)");
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, open_fields, ARRAY_SIZE(open_fields), res)) < 0 ||
        (rc = check_line(res, "body", input_str(in, "body"))) < 0 ||
        (rc = chat_entitled(req, res)) < 0)
        return rc;
    rc = store_chat_open(req->store, &req->caller, input_str(in, "subject"),
                         input_str(in, "body"), time_now(), &ch, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "the chat was refused");
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/chats/%" PRId64, ch.id));
    return res_json(res, 201, api_chat_json(&ch));
}

/* ---- GET /api/v1/chats, /api/v1/chats/{id} --------------------------------------------- */

static const char *const list_params[] = {"status", "limit", "cursor", NULL};

int api_chat_list(struct req *req, struct res *res)
{
    const char *status = req_query(req, "status");
    enum chat_status st = CHAT_WAITING;
    struct store_page pg;
    struct chat *items;
    json_t *arr;
    size_t n;
    int rc;

    if ((rc = api_query_known(req, res, list_params)) < 0 || (rc = api_page(req, res, &pg)) < 0)
        return rc;
    if (status && chat_status_parse(status, &st) < 0)
        return res_error(res, DESK_EINVAL, "status",
                         "status must be waiting, active or closed, not '%s'", status);
    rc = store_chat_list(req->store, &req->caller, status ? (int)st : -1, &pg, &items, &n,
                         req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "the chats cannot be listed");
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, api_chat_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, n ? items[n - 1].id : 0));
}

int api_chat_get(struct req *req, struct res *res)
{
    struct chat ch;
    int rc = store_chat_get(req->store, &req->caller, req->params[0], &ch, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no chat %" PRId64, req->params[0]);
    return res_json(res, 200, api_chat_json(&ch));
}

/* ---- messages ---------------------------------------------------------------------------- */

static const struct field_spec line_fields[] = {
    {"body", F_STRING, true, 1, CHAT_MESSAGE_MAX, NULL},
};

int api_chat_message_post(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct message m = {0};
    struct chat ch;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, line_fields, ARRAY_SIZE(line_fields), res)) < 0 ||
        (rc = check_line(res, "body", input_str(in, "body"))) < 0)
        return rc;
    rc = store_chat_act(req->store, &req->caller, req->params[0], CHAT_ACT_MESSAGE,
                        input_str(in, "body"), time_now(), &ch, &m, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no chat %" PRId64, req->params[0]);
    m.author_name = req->user.name;
    return res_json(res, 201, line_json(ch.id, &m));
}

int api_chat_message_list(struct req *req, struct res *res)
{
    struct message *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_chat_messages(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no chat %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, line_json(req->params[0], &items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

/* ---- accept, close ----------------------------------------------------------------------- */

static int act(struct req *req, struct res *res, enum chat_act what)
{
    struct store_fault fault = {0};
    struct chat ch;
    json_t *in;
    int rc;

    if ((rc = api_optional_json(req, res, NULL, 0, &in)) < 0)
        return rc;
    rc = store_chat_act(req->store, &req->caller, req->params[0], what, NULL, time_now(), &ch,
                        NULL, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no chat %" PRId64, req->params[0]);
    return res_json(res, 200, api_chat_json(&ch));
}

int api_chat_accept(struct req *req, struct res *res)
{
    return act(req, res, CHAT_ACT_ACCEPT);
}

int api_chat_close(struct req *req, struct res *res)
{
    return act(req, res, CHAT_ACT_CLOSE);
}
