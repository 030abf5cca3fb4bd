/* The idle-paper warning every job command gives after logging in (see session.h). */
#include "cli.h"
#include "print/printlog.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <time.h>

void fk_cli_warn_idle(fk_job *job)
{
    char msg[1400];
    long count = 0;
    fk_err err;
    fk_err_clear(&err);
    if (fk_print_idle_warning(job, time(NULL), msg, sizeof msg, &count, &err) != FK_OK ||
        count == 0)
        return; /* a warning must not stop the command; the command itself reports errors */
    bool red = fk_cli_stderr_is_tty();
    fprintf(stderr, _("%sfukan: warning: %s: start the enclosure check%s\n"), red ? "\033[31m" : "",
            msg, red ? "\033[0m" : "");
}
