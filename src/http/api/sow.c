/*
 * sow.c - GET /api/v1/agreements/{id}/sow.html and …/sow.pdf: the statement
 * of work of an agreement (http/sow_render.h), as the invoices are rendered:
 * for staff, and for the customer of the organisation (another's is 404).
 * The pages link them; they take the session cookie for GET.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "domain/agreement.h"
#include "domain/organization.h"
#include "domain/rasci.h"
#include "http/sow_render.h"
#include "store/store.h"

/* What the SOW shows, read as the caller may see it. */
static int load(struct req *req, struct res *res, struct agreement *a, struct sow *s)
{
    struct organization *org = ARENA_NEWN(req->arena, struct organization, 1);
    struct rasci_matrix *m = ARENA_NEWN(req->arena, struct rasci_matrix, 1);
    struct requirements *r;
    int64_t matrix;
    size_t n = 0;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, req->params[0], a, req->arena)) < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    *s = (struct sow){a, "", NULL, NULL};
    if ((rc = store_org_get(req->store, &req->caller, a->organization_id, org, req->arena)) < 0 ||
        (rc = store_requirements_list(req->store, &req->caller, a->id, &r, &n, req->arena)) < 0)
        return rc;
    s->organization = org->name;
    for (size_t i = n; i-- > 0 && !s->req;)
        if (r[i].completed_at)
            s->req = &r[i]; /* the latest year recorded */
    matrix = s->req && s->req->rasci_matrix_id ? s->req->rasci_matrix_id : a->rasci_matrix_id;
    if (matrix && (rc = store_rasci_get(req->store, &req->caller, matrix, m, req->arena)) == 0)
        s->rasci = m;
    return rc == DESK_ENOTFOUND ? 0 : rc; /* a matrix the caller may not read is left out */
}

/* The SOW as a page, or as a PDF download. */
static int render(struct req *req, struct res *res, bool pdf)
{
    struct agreement a;
    struct sow s;
    int rc;

    if ((rc = load(req, res, &a, &s)) < 0)
        return rc;
    strbuf_reset(&res->body);
    if (!pdf) {
        sow_render_html(&s, &res->body, req->arena);
        api_printable(req, res, "text/html; charset=utf-8", NULL);
        return 0;
    }
    if ((rc = sow_render_pdf(&s, &res->body, req->arena)) < 0)
        return rc;
    api_printable(req, res, "application/pdf",
                  arena_sprintf(req->arena, "sow-%" PRId64 ".pdf", a.id));
    return 0;
}

int api_agreement_sow_html(struct req *req, struct res *res) { return render(req, res, false); }

int api_agreement_sow_pdf(struct req *req, struct res *res) { return render(req, res, true); }
