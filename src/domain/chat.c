/*
 * chat.c - live chat's statuses and rules (chat.h).
 */
#include "core/compat.h"
#include "domain/chat.h"
#include "core/err.h"
#include "core/utf8.h"

const char *const chat_status_names[] = {"waiting", "active", "closed", NULL};

const char *chat_status_name(enum chat_status s)
{
    return chat_status_names[s];
}

int chat_status_parse(const char *s, enum chat_status *out)
{
    for (int i = 0; s && chat_status_names[i]; i++)
        if (!strcmp(s, chat_status_names[i])) {
            *out = (enum chat_status)i;
            return 0;
        }
    return DESK_EINVAL;
}

int chat_decide(enum chat_status s, enum chat_act act, bool staff, const char **why)
{
    *why = NULL;
    if (act == CHAT_ACT_ACCEPT && !staff) {
        *why = "only staff accept a chat";
        return DESK_EDENIED;
    }
    if (s == CHAT_CLOSED)
        *why = "is closed";
    else if (act == CHAT_ACT_ACCEPT && s == CHAT_ACTIVE)
        *why = "was accepted already";
    else if (act == CHAT_ACT_MESSAGE && staff && s == CHAT_WAITING)
        *why = "waits for an agent: accept it first";
    return *why ? DESK_ECONFLICT : 0;
}

bool chat_idle(enum chat_status s, int64_t last_at, int64_t now, int64_t idle_secs)
{
    return s != CHAT_CLOSED && now - last_at >= idle_secs;
}

const char *chat_text_problem(const char *text, size_t len)
{
    size_t chars = 0;
    bool visible = false;

    if (!text || strlen(text) != len)
        return "must not contain NUL";
    if (!utf8_valid(text, len))
        return "is not valid UTF-8";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch & 0xC0) != 0x80)
            chars++;
        if (ch > ' ' && ch != 0x7F)
            visible = true; /* any non-space byte; a UTF-8 sequence counts as visible */
    }
    if (!visible)
        return "must not be blank";
    if (chars > CHAT_MESSAGE_MAX)
        return "must have at most 4000 characters";
    return NULL;
}
