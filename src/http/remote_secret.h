/*
 * remote_secret.h - sealing and opening remote-access secrets for the API
 * (http/api/remote_access.c) and the desk's pages (desk_installations.c)
 * with the key in the file remote-access-key-file names (core/crypto.h).
 * A missing key file is made (0600) only while no secret is stored;
 * otherwise a lost or wrong key is DESK_EIO with why, never a crash.
 */
#ifndef HTTP_REMOTE_SECRET_H
#define HTTP_REMOTE_SECRET_H

#include "http/http.h"

struct remote_access;

/*
 * Seal secret (when not NULL or "") into *sealed, *len (arena); NULL, 0 for
 * none. Returns 0, or an error with *why for people (arena).
 */
int remote_secret_seal(struct req *req, const char *secret, const uint8_t **sealed, size_t *len,
                       const char **why);
/*
 * The plain text of ra's sealed secret into *plain (arena; NULL when ra has
 * none). Returns 0, or DESK_EIO with *why (arena).
 */
int remote_secret_open(struct req *req, const struct remote_access *ra, const char **plain,
                       const char **why);

#endif
