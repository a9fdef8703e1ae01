/*
 * mail.h - the mail module: process-wide setup of the libraries it stands on.
 *
 * src/mail/ holds mime (parsing inbound messages), html and text (turning
 * them into clean text), inbound (what an inbound mail becomes), outbound
 * (building notices), smtp and imap (libcurl transfers). GMime and libcurl
 * need one initialisation per process before any thread uses them.
 */
#ifndef MAIL_MAIL_H
#define MAIL_MAIL_H

/*
 * Initialise GMime and libcurl once per process (later calls do nothing);
 * call it before starting threads that use them. Never fails (aborts).
 */
void mail_setup(void);

#endif
