/* fukan proof: options and output around fk_step_proof and fk_step_approve
 * (src/job/step-proof.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>

static const char fk__usage[] =
    N_("usage: fukan proof JOBDIR -o DIR\n"
       "       fukan proof JOBDIR --approve\n"
       "  login: --user ID, --user-password-file FILE\n\n"
       "Renders one specimen of every document of every category, with a fictitious person\n"
       "(見本 太郎) and a 見本 watermark, as DIR/proof-DOCUMENT-C.pdf, and PNG previews next to\n"
       "them (pdftoppm). The proofs hold no resident's data. After the ward approves them, a\n"
       "responsible manager (取扱責任者) records the approval with --approve; composing for\n"
       "print requires it.\n");

static void fk__on_file(void *ctx, const char *path, const char *note)
{
    (void)ctx;
    fk_cli_progress_clear(); /* the bar steps aside for the line */
    printf("%s%s%s%s\n", path, note ? " (" : "", note ? note : "", note ? ")" : "");
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"approve", no_argument, NULL, 'a'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_proof_options opts = {0};
    bool approve = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            opts.dir = optarg;
        else if (opt == 'a')
            approve = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || (opts.dir == NULL) == !approve) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, approve ? "proof approve" : "proof",
                             approve ? FK_ROLE_MANAGER : FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.progress = fk_cli_on_progress, .file = fk__on_file};
    fk_proof_result r = {0};
    fk_status s = approve ? fk_step_approve(job, &err) : fk_step_proof(job, &opts, &cb, &r, &err);
    if (s == FK_OK && approve)
        printf(_("proof set approved by %s\n"), fk_job_user(job));
    char details[64];
    snprintf(details, sizeof details, approve ? "proof set approved" : "%d proofs rendered",
             r.files);
    return fk_cli_finish(job, "proof set", s, details, &err);
}

const fk_command fk_cmd_proof = {
    .name = "proof",
    .summary = N_("render the proof set for the ward; approve it"),
    .usage = fk__usage,
    .run = fk__run,
};
