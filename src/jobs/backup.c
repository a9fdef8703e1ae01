#define LOG_MODULE "backup"
#include "core/compat.h"
#include "jobs/backup.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "store/store.h"
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "svcdesk-"
#define SUFFIX ".db"

static int mkdir_p(const char *dir, struct strbuf *err)
{
    char *p = xstrdup(dir);
    int rc = 0;

    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0700) && errno != EEXIST)
        rc = -1;
    if (rc < 0)
        strbuf_addf(err, "cannot create folder '%s': %s", dir, strerror(errno));
    free(p);
    return rc < 0 ? DESK_EIO : 0;
}

int64_t backup_time_from_name(const char *name)
{
    char iso[TIME_RFC3339_LEN];
    int64_t t;
    size_t n = strlen(name);

    /* svcdesk-20261122T020000Z.db */
    if (n != strlen(PREFIX) + 16 + strlen(SUFFIX) || strncmp(name, PREFIX, strlen(PREFIX)) ||
        strcmp(name + n - strlen(SUFFIX), SUFFIX))
        return -1;
    name += strlen(PREFIX);
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", name, name + 4, name + 6,
             name + 9, name + 11, name + 13);
    if (name[8] != 'T' || name[15] != 'Z' || time_parse_rfc3339(iso, 20, &t, NULL) < 0)
        return -1;
    return t;
}

int backup_write(struct store *st, const char *dir, int64_t now, char **path, struct strbuf *err)
{
    char iso[TIME_RFC3339_LEN], stamp[17], value[24];
    struct strbuf file = STRBUF_INIT;
    int rc;

    if ((rc = mkdir_p(dir, err)) < 0)
        return rc;
    time_format_rfc3339(now, iso);
    /* YYYY-MM-DDTHH:MM:SSZ -> YYYYMMDDTHHMMSSZ */
    snprintf(stamp, sizeof(stamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11,
             iso + 14, iso + 17);
    strbuf_addf(&file, "%s/" PREFIX "%s" SUFFIX, dir, stamp);
    if ((rc = store_backup(st, file.buf, err)) < 0) {
        strbuf_release(&file);
        return rc;
    }
    snprintf(value, sizeof(value), "%" PRId64, now);
    store_meta_set(st, "last_backup_at", value);
    log_info("msg=\"backup written and verified\" file=%s", file.buf);
    if (path)
        *path = strbuf_detach(&file, NULL);
    strbuf_release(&file);
    return 0;
}

void backup_warn_modes(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat sb;
    unsigned mode = 0;
    int open_nr = 0;

    if (!d)
        return;
    if (stat(dir, &sb) == 0 && (sb.st_mode & 077))
        log_warn("msg=\"backup folder open to group or others\" dir=%s mode=%04o "
                 "fix=\"chmod 700 %s\"",
                 dir, (unsigned)(sb.st_mode & 07777), dir);
    while ((e = readdir(d))) {
        struct strbuf p = STRBUF_INIT;

        if (backup_time_from_name(e->d_name) < 0)
            continue;
        strbuf_addf(&p, "%s/%s", dir, e->d_name);
        if (stat(p.buf, &sb) == 0 && (sb.st_mode & 077) && !open_nr++)
            mode = sb.st_mode & 07777;
        strbuf_release(&p);
    }
    closedir(d);
    if (open_nr) /* one line, not one per backup */
        log_warn("msg=\"backups readable by group or others: they hold password and token "
                 "hashes\" dir=%s count=%d mode=%04o fix=\"chmod 600 %s/svcdesk-*.db\"",
                 dir, open_nr, mode, dir);
}

int backup_prune(const char *dir, int64_t now, int64_t keep_days, int *removed,
                 struct strbuf *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    *removed = 0;
    if (!d) {
        if (errno == ENOENT)
            return 0;
        strbuf_addf(err, "cannot read folder '%s': %s", dir, strerror(errno));
        return DESK_EIO;
    }
    while ((e = readdir(d))) {
        int64_t t = backup_time_from_name(e->d_name);
        struct strbuf p = STRBUF_INIT;

        if (t < 0 || t >= now - keep_days * 86400)
            continue;
        strbuf_addf(&p, "%s/%s", dir, e->d_name);
        if (unlink(p.buf) == 0) {
            (*removed)++;
            log_info("msg=\"old backup pruned\" file=%s", p.buf);
        } else {
            strbuf_addf(err, "cannot remove '%s': %s", p.buf, strerror(errno));
            rc = DESK_EIO;
        }
        strbuf_release(&p);
    }
    closedir(d);
    return rc;
}
