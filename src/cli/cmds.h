/*
 * cmds.h - the commands of the svcdesk binary (one cmd_<name>.c each).
 *
 * Each takes the arguments from its own name on (argv[0] is "init",
 * "sla", ...) and returns the exit code: 0 success, 1 failure, 2 usage.
 */
#ifndef CLI_CMDS_H
#define CLI_CMDS_H

int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_mail_in(int argc, char **argv);

#endif
