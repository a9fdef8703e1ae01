/*
 * chat.c - live chat's pages (issue 16): /portal/chat for customers and /desk/chats for
 * agents. Every page works without JavaScript; web/static/chat.js only adds to them.
 *
 * Portal: a customer whose organisation has live chat (api_chat_entitled's rule) sees a
 * form to open a chat, which the script reveals; without the script the page offers the
 * request form instead (a chat needs live updates). /portal/chat?chat=ID shows one chat's
 * transcript and a line form (with the script it posts in place and shows the agent's
 * lines as GET /api/v1/events announces them). Others read that chat is part of the
 * live-chat add-on. Desk: the waiting chats with an accept form, the active ones with
 * their transcript, a reply and a close form (with the script the page reloads when an
 * event of a chat arrives and nobody is typing). Another organisation's chat is the 404
 * page, as a missing one.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/chat.h"
#include "http/api/api.h"
#include "store/store.h"

#define DESK_CHATS_MAX 100 /* waiting, and active, chats on the desk page at most */

static json_t *lines_json(const struct message *m, size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:b, s:s, s:o}", "id",
                                              (json_int_t)m[i].id, "author",
                                              m[i].author_name ? m[i].author_name : "",
                                              "staff", m[i].staff, "body", m[i].body, "at",
                                              page_time(m[i].created_at, NULL)));
    return list;
}

/* A chat's API form with its status in words and when it opened, for the templates. */
static json_t *chat_brief_json(const struct chat *ch)
{
    static const char *const words[] = {"waiting for an agent", "with an agent", "closed"};
    json_t *o = api_chat_json(ch);

    json_object_set_new(o, "status_words", json_string(words[ch->status]));
    json_object_set_new(o, "opened", page_time(ch->created_at, NULL));
    return o;
}

/* A chat for the templates: chat_brief_json and its lines. */
static int chat_page_json(struct req *req, const struct chat *ch, json_t **out)
{
    struct message *m;
    size_t n;
    int rc;

    if ((rc = store_chat_messages(req->store, &req->caller, ch->id, &m, &n, req->arena)) < 0)
        return rc;
    *out = chat_brief_json(ch);
    json_object_set_new(*out, "lines", lines_json(m, n));
    json_object_set_new(*out, "open", json_boolean(ch->status != CHAT_CLOSED));
    return 0;
}

/* ---- the portal ---------------------------------------------------------------------------- */

/* The organisation's chats still open (waiting, then active), for links back to them. */
static int open_chats(struct req *req, json_t **out)
{
    static const enum chat_status open[] = {CHAT_WAITING, CHAT_ACTIVE};
    struct store_page pg = {0, 20, false};
    struct chat *items;
    size_t n;
    int rc;

    *out = json_array();
    for (size_t k = 0; k < ARRAY_SIZE(open); k++) {
        if ((rc = store_chat_list(req->store, &req->caller, (int)open[k], &pg, &items, &n,
                                  req->arena)) < 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(*out, chat_brief_json(&items[i]));
    }
    return 0;
}

/*
 * The page: one chat when the query (or the path of a refused line) names it, else the
 * form that opens one; error (with status) for a refused form.
 */
static int show_portal(struct req *req, struct res *res, int status, const char *error)
{
    const char *which = req_query(req, "chat");
    int64_t id = which ? strtoll(which, NULL, 10) : req->params[0];
    json_t *data, *chat = NULL, *others = NULL;
    struct chat ch;
    int entitled = store_feature_runs(req->store, req->caller.organization_id, "live_chat",
                                      time_now()),
        rc;

    if (entitled < 0)
        return page_error(req, res, entitled, "live chat cannot be shown");
    if (id) {
        if ((rc = store_chat_get(req->store, &req->caller, id, &ch, req->arena)) < 0 ||
            (rc = chat_page_json(req, &ch, &chat)) < 0)
            return page_error(req, res, rc, "there is no chat %" PRId64, id);
    } else if ((rc = open_chats(req, &others)) < 0) {
        json_decref(others);
        return page_error(req, res, rc, "live chat cannot be shown");
    }
    data = json_pack("{s:s, s:b, s:o, s:o, s:s?, s:s, s:s}", "title", tr("Live chat"), "entitled",
                     entitled == 1, "chat", chat ? chat : json_null(), "open_chats",
                     others ? others : json_array(), "error", error, "subject",
                     page_form_str(req, "subject"), "body",
                     chat ? "" : page_form_str(req, "body"));
    return page_render(req, res, status, "portal_chat", data);
}

int page_portal_chat(struct req *req, struct res *res)
{
    const char *which = req_query(req, "chat");

    if (which && (*which < '1' || *which > '9' || strtoll(which, NULL, 10) <= 0))
        return page_error(req, res, DESK_ENOTFOUND, "there is no chat '%s'", which);
    return show_portal(req, res, 200, NULL);
}

/* Why a posted line (field "body", label) is refused, or NULL. */
static const char *line_problem(struct req *req, const char *label, const char **text)
{
    const char *why;

    *text = page_form_str(req, "body");
    if ((why = chat_text_problem(*text, strlen(*text))))
        return arena_sprintf(req->arena, "%s %s", label, why);
    return NULL;
}

int page_portal_chat_open(struct req *req, struct res *res)
{
    const char *subject = page_form_str(req, "subject"), *body, *why;
    struct store_fault fault = {0};
    struct chat ch;
    int rc = store_feature_runs(req->store, req->caller.organization_id, "live_chat",
                                time_now());

    if (rc <= 0)
        return page_error(req, res, rc < 0 ? rc : DESK_EDENIED,
                          "live chat is part of the live-chat add-on, which your organisation "
                          "has not bought: write a request instead");
    if ((why = page_line_problem("the subject", subject, CHAT_SUBJECT_MAX, req->arena)) ||
        (why = line_problem(req, "the first line", &body)))
        return show_portal(req, res, 422, why);
    rc = store_chat_open(req->store, &req->caller, subject, body, time_now(), &ch, &fault,
                         req->arena);
    if (rc < 0)
        return show_portal(req, res, http_status_from_err(rc), page_fault_message(rc, &fault));
    return page_redirect(res, arena_sprintf(req->arena, "/portal/chat?chat=%" PRId64, ch.id));
}

/*
 * A line, an accept or a close posted on chat req->params[0]; then to next followed by the
 * chat's id (staff who close it: to its request).
 */
static int post_act(struct req *req, struct res *res, enum chat_act act, const char *next,
                    int (*again)(struct req *, struct res *, int, const char *))
{
    struct store_fault fault = {0};
    const char *body = NULL, *why;
    struct chat ch;
    int rc;

    if (act == CHAT_ACT_MESSAGE && (why = line_problem(req, "the line", &body)))
        return again(req, res, 422, why);
    rc = store_chat_act(req->store, &req->caller, req->params[0], act, body, time_now(), &ch,
                        NULL, &fault, req->arena);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no chat %" PRId64, req->params[0]);
    if (rc < 0)
        return again(req, res, http_status_from_err(rc), page_fault_message(rc, &fault));
    if (act == CHAT_ACT_CLOSE && req->caller.role >= ROLE_AGENT)
        return page_redirect(res, arena_sprintf(req->arena, "/desk/tickets/%" PRId64,
                                                ch.ticket_id));
    return page_redirect(res, arena_sprintf(req->arena, "%s%" PRId64, next, ch.id));
}

int page_portal_chat_line(struct req *req, struct res *res)
{
    return post_act(req, res, CHAT_ACT_MESSAGE, "/portal/chat?chat=", show_portal);
}

int page_portal_chat_close(struct req *req, struct res *res)
{
    return post_act(req, res, CHAT_ACT_CLOSE, "/portal/chat?chat=", show_portal);
}

/* ---- the desk -------------------------------------------------------------------------------- */

/* The chats of status, each with its lines when lines, as a list for the template. */
static int desk_list(struct req *req, enum chat_status status, bool lines, json_t **out)
{
    struct store_page pg = {0, DESK_CHATS_MAX, false};
    struct chat *items;
    json_t *one;
    size_t n;
    int rc;

    *out = json_array();
    if ((rc = store_chat_list(req->store, &req->caller, (int)status, &pg, &items, &n,
                              req->arena)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (lines) {
            if ((rc = chat_page_json(req, &items[i], &one)) < 0)
                return rc;
        } else {
            one = chat_brief_json(&items[i]);
        }
        json_array_append_new(*out, one);
    }
    return 0;
}

static int show_desk(struct req *req, struct res *res, int status, const char *error)
{
    json_t *waiting = NULL, *active = NULL;
    int rc;

    if ((rc = desk_list(req, CHAT_WAITING, false, &waiting)) < 0 ||
        (rc = desk_list(req, CHAT_ACTIVE, true, &active)) < 0) {
        json_decref(waiting);
        json_decref(active);
        return page_error(req, res, rc, "the chats cannot be shown");
    }
    return page_render(req, res, status, "desk_chats",
                       json_pack("{s:s, s:o, s:o, s:s?}", "title", tr("Live chats"), "waiting",
                                 waiting, "active", active, "error", error));
}

int page_desk_chats(struct req *req, struct res *res)
{
    return show_desk(req, res, 200, NULL);
}

int page_desk_chat_accept(struct req *req, struct res *res)
{
    return post_act(req, res, CHAT_ACT_ACCEPT, "/desk/chats#chat-", show_desk);
}

int page_desk_chat_line(struct req *req, struct res *res)
{
    return post_act(req, res, CHAT_ACT_MESSAGE, "/desk/chats#chat-", show_desk);
}

int page_desk_chat_close(struct req *req, struct res *res)
{
    return post_act(req, res, CHAT_ACT_CLOSE, "/desk/tickets/", show_desk);
}
