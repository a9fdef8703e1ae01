/*
 * mail.c - one initialisation of GMime and libcurl per process.
 *
 * Neither is shut down: their global state lives as long as the process
 * (tests/lsan.supp covers GMime's; curl_global_cleanup at exit would race
 * with a mail thread still stopping).
 */
#include "core/compat.h"
#include "mail/mail.h"
#include "core/xalloc.h"
#include <curl/curl.h>
#include <gmime/gmime.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void)
{
    g_mime_init();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise libcurl");
}

void mail_setup(void)
{
    pthread_once(&once, setup);
}
