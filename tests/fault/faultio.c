/*
 * faultio.c - an LD_PRELOAD shim for the fault tests (tests/e2e/6004-faults.sh): while
 * the file $FAULTIO_TRIGGER exists, write(), pwrite(), pwrite64(), fsync() and
 * fdatasync() on a file whose path contains $FAULTIO_MATCH fail with EIO, as a dying
 * disk would. Without the trigger every call goes straight through.
 *
 * Built by the test: cc -shared -fPIC -o faultio.so tests/fault/faultio.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* True when fd's file should fail now. */
static int faulty(int fd)
{
    const char *trigger = getenv("FAULTIO_TRIGGER"), *match = getenv("FAULTIO_MATCH");
    char link[64], path[4096];
    ssize_t n;

    if (!trigger || !match || access(trigger, F_OK) != 0)
        return 0;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, match) != NULL;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t n)
{
    if (faulty(fd))
        return errno = EIO, -1;
    return NEXT(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (faulty(fd))
        return errno = EIO, -1;
    return NEXT(pwrite)(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    if (faulty(fd))
        return errno = EIO, -1;
    return NEXT(pwrite64)(fd, buf, n, off);
}

int fsync(int fd)
{
    if (faulty(fd))
        return errno = EIO, -1;
    return NEXT(fsync)(fd);
}

int fdatasync(int fd)
{
    if (faulty(fd))
        return errno = EIO, -1;
    return NEXT(fdatasync)(fd);
}
