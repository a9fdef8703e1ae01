/*
 * list.h - the unit test suites, one per module (libuv test-list.h).
 * Each T(name) is a function `int t_name(void)` in t-<name>.c that runs its
 * cmocka group and returns the number of failed tests.
 */
T(strbuf)
T(arena)
T(time)
T(conf)
T(crypto)
T(admin)
T(store)
T(http)
T(backup)
T(calendar)
T(tz)
T(sla)
T(holidays)
T(ticket)
T(money)
T(agreement)
T(invoice)
T(rasci)
T(agreement_api)
T(mime)
T(mail)
