/*
 * backup.h - verified database backups and their pruning (SPEC 2.7).
 *
 * A backup is a file svcdesk-YYYYMMDDTHHMMSSZ.db (mode 0600) in the backup
 * folder (created 0700), written with the database's online backup and integrity-checked before it
 * counts. Pruning removes the backups older than the kept number of days,
 * judged by the time in their names (never other files).
 */
#ifndef JOBS_BACKUP_H
#define JOBS_BACKUP_H

#include "core/compat.h"
#include "core/strbuf.h"

struct store;

/*
 * Write a backup into dir (created when missing) as of now; *path (malloc'd,
 * may be NULL) is its file. Records `last_backup_at`. 0 or a desk_err with err.
 */
int backup_write(struct store *st, const char *dir, int64_t now, char **path, struct strbuf *err);
/* Remove backups in dir older than keep_days before now; *removed counts them. */
int backup_prune(const char *dir, int64_t now, int64_t keep_days, int *removed,
                 struct strbuf *err);
/*
 * Log a warning for dir (when it exists) and each backup in it that group or others may
 * read: backups are written 0600 in a 0700 folder, older ones may not be.
 */
void backup_warn_modes(const char *dir);
/* The time in a backup file name, or -1 when the name is not a backup's. */
int64_t backup_time_from_name(const char *name);

#endif
