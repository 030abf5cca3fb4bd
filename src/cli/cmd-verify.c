/* fukan verify: the enclosure check (突合) from a camera export, page images or a scan
 * station; rework and history (fk_step_verify, src/job/step-verify.c). The scan station's
 * screen is the front end's (station.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "station.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan verify JOBDIR --camera FILE [--record-partial] [PRINTED]\n"
       "       fukan verify JOBDIR --images DIR [PRINTED]\n"
       "       fukan verify JOBDIR --station [PRINTED]\n"
       "       fukan verify JOBDIR --rework C-SERIAL|failed [--reason TEXT]\n"
       "       fukan verify JOBDIR --history C-SERIAL\n"
       "       fukan verify JOBDIR --summary\n"
       "  PRINTED: the print log (default), or for paper printed outside fukan\n"
       "  --assume-printed (every print file) or --printed-files FILE (one name a line)\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者; --history and\n"
       "  --summary also 監査)\n\n"
       "Checks envelope by envelope that every sheet belongs to the envelope's person (one\n"
       "serial and check value over name, address, building, voucher and resident number),\n"
       "that the set is complete (① and ②, i of n), that the codes are genuine for this job\n"
       "(the check value verifies under the job key), that no sheet is in two envelopes, no\n"
       "envelope is there twice, and that it was printed and not delivered. Faults are named\n"
       "by envelope (category and serial, e.g. S-000123) and kind: swapped, missing-sheet,\n"
       "duplicate, foreign-job, forged, unread, not-printed, delivered, not-reworked.\n"
       "Results are stored in the job; at the end every composed envelope is verified or\n"
       "listed as failed or missing. Exit 1 if anything is not verified.\n\n"
       "--camera FILE  the inserter camera's CSV: envelope,payload[,time]. A malformed file\n"
       "               records nothing; --record-partial records the envelopes read before\n"
       "               the bad line.\n"
       "--images DIR   PNG or TIFF scans, one envelope per entry in name order: a folder of\n"
       "               images (one sheet each), a multi-page TIFF or a single image; codes\n"
       "               are read with libdmtx. Unreadable images are listed by file name.\n"
       "--station      a full-screen scan station for a hand scanner (Japanese).\n"
       "--rework       records that a failed envelope was opened for rework (reprinted\n"
       "               sheets: `fukan reprint`); its next scan decides. --rework failed:\n"
       "               every failed envelope.\n"
       "--history      the envelope's scans and reworks with times and handlers.\n"
       "Which envelopes are printed comes from the print log (`fukan print`); a print file\n"
       "whose envelopes have all passed is marked enclosure-checked, and its paper stops\n"
       "counting as idle.\n");

typedef struct {
    const char *camera, *images, *rework, *history, *reason, *printed_file;
    bool station, summary, assume_printed, record_partial;
    char **printed; /* print file names */
    size_t n_printed;
} fk__opts;

static fk_status fk__load_printed(fk__opts *o, fk_err *err)
{
    FILE *f = fopen(o->printed_file, "r");
    if (f == NULL)
        return fk_failf(err, FK_ENOENT, _("%s: cannot open"), o->printed_file);
    char line[256];
    fk_status s = FK_OK;
    while (s == FK_OK && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        char **p = fk_realloc(o->printed, (o->n_printed + 1) * sizeof *p);
        if (p == NULL || (p[o->n_printed] = fk_strdup(line)) == NULL) {
            if (p != NULL)
                o->printed = p;
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
            break;
        }
        o->printed = p;
        o->n_printed++;
    }
    fclose(f);
    return s;
}

static void fk__name(char *out, size_t size, fk_category c, long serial)
{
    snprintf(out, size, "%c-%06ld", fk_category_code(c), serial);
}

static void fk__on_failure(void *ctx, const fk_verify_failure *f)
{
    (void)ctx;
    char name[24];
    if (f->identified) {
        fk__name(name, sizeof name, f->category, f->serial);
        printf(_("FAIL %s batch %d (read as envelope %s): %s\n"), name, f->batch, f->envelope,
               f->faults);
    } else {
        printf(_("FAIL envelope read as %s (no code of this job read): %s\n"), f->envelope,
               f->faults);
    }
}

static void fk__on_listed(void *ctx, const char *state, fk_category c, long serial, int batch)
{
    (void)ctx;
    char name[24];
    fk__name(name, sizeof name, c, serial);
    printf(_("%s %s batch %d\n"), fk_i18n_text(state), name, batch);
}

static void fk__on_note(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

static void fk__on_warning(void *ctx, const char *line)
{
    (void)ctx;
    fk_cli_error("%s", line);
}

static void fk__on_event(void *ctx, const fk_encl_event *e)
{
    (void)ctx;
    printf("%s  %-7s %-30s %-24s %s\n", e->at, e->event, e->detail[0] ? e->detail : "-", e->by,
           e->source);
}

static void fk__on_batch(void *ctx, const fk_encl_summary *m)
{
    (void)ctx;
    printf(_("batch %d %c: composed %ld, verified %ld, failed %ld, missing %ld\n"), m->batch,
           fk_category_code(m->category), m->composed, m->verified, m->failed, m->missing);
}

static fk_status fk__station(void *ctx, fk_job *job, struct fk_verify *v,
                             struct fk_verify_outcomes *out, fk_err *err)
{
    (void)ctx;
    return fk_cli_station(job, v, out, err);
}

/* The totals of a check, after its failures and listed envelopes. */
static void fk__print_totals(const fk_verify_outcome_counts *r)
{
    printf(_("this check: %ld envelopes (%ld sheets) read, %ld passed, %ld failed\n"), r->read,
           r->sheets, r->read - r->failed, r->failed);
    printf(_("job: verified %ld of %ld, failed %ld, missing %ld\n"), r->verified_all,
           r->composed_all, r->failed_all, r->missing_all);
    for (int c = 0; c < FK_CAT_COUNT; c++)
        if (r->composed[c] > 0) {
            printf("  %c ", fk_category_code((fk_category)c));
            fk_cli_print_cell(fk_category_label((fk_category)c), 16);
            printf(_(" verified %ld of %ld, failed %ld, missing %ld\n"), r->verified[c],
                   r->composed[c], r->failed_job[c], r->missing[c]);
        }
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"camera", required_argument, NULL, 'c'},
                                            {"images", required_argument, NULL, 'i'},
                                            {"station", no_argument, NULL, 's'},
                                            {"rework", required_argument, NULL, 'w'},
                                            {"reason", required_argument, NULL, 'r'},
                                            {"history", required_argument, NULL, 'h'},
                                            {"summary", no_argument, NULL, 'm'},
                                            {"assume-printed", no_argument, NULL, 'a'},
                                            {"printed-files", required_argument, NULL, 'p'},
                                            {"record-partial", no_argument, NULL, 'R'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk__opts o = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            o.camera = optarg;
            break;
        case 'i':
            o.images = optarg;
            break;
        case 's':
            o.station = true;
            break;
        case 'w':
            o.rework = optarg;
            break;
        case 'r':
            o.reason = optarg;
            break;
        case 'h':
            o.history = optarg;
            break;
        case 'm':
            o.summary = true;
            break;
        case 'a':
            o.assume_printed = true;
            break;
        case 'p':
            o.printed_file = optarg;
            break;
        case 'R':
            o.record_partial = true;
            break;
        default:
            if (!fk_cli_login_option(&login, opt, optarg))
                return FK_EXIT_USAGE;
        }
    }
    int modes = (o.camera != NULL) + (o.images != NULL) + o.station + (o.rework != NULL) +
                (o.history != NULL) + o.summary;
    bool checks = o.camera || o.images || o.station;
    if (optind + 1 != argc || modes != 1 || (o.reason && !o.rework) ||
        (o.record_partial && !o.camera) || (o.assume_printed && o.printed_file) ||
        (!checks && (o.assume_printed || o.printed_file))) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    if (o.reason != NULL && strlen(o.reason) > 200) {
        fk_cli_error(_("--reason: at most 200 bytes (and never personal data)"));
        return FK_EXIT_USAGE;
    }
    unsigned roles = o.history || o.summary ? FK_ROLES_ALL : FK_ROLES_STAFF;
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "verify", roles, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    const char *object = "envelopes";
    fk_status s = FK_OK;
    if (o.printed_file != NULL)
        s = fk__load_printed(&o, &err);
    fk_verify_options vo = {.camera = o.camera,
                            .images = o.images,
                            .record_partial = o.record_partial,
                            .assume_printed = o.assume_printed,
                            .printed = o.printed_file ? o.printed : NULL,
                            .n_printed = o.n_printed,
                            .reason = o.reason,
                            .station = fk__station,
                            .failure = fk__on_failure,
                            .listed = fk__on_listed,
                            .note = fk__on_note,
                            .warning = fk__on_warning,
                            .event = fk__on_event,
                            .batch = fk__on_batch,
                            .progress = fk_cli_on_progress};
    if (o.history != NULL) {
        vo.mode = FK_VERIFY_HISTORY;
        vo.envelope = object = o.history;
    } else if (o.summary) {
        vo.mode = FK_VERIFY_SUMMARY;
    } else if (o.rework != NULL) {
        vo.mode = FK_VERIFY_REWORK;
        vo.envelope = object = o.rework;
    } else {
        vo.mode = FK_VERIFY_CHECK;
    }
    fk_verify_outcome_counts r = {0};
    if (s == FK_OK)
        s = fk_step_verify(job, &vo, &r, &err);
    bool checked = vo.mode == FK_VERIFY_CHECK && (s == FK_OK || s == FK_EFINDING) &&
                   r.details[0] != '\0' && strstr(r.details, "nothing recorded") == NULL;
    if (checked)
        fk__print_totals(&r);
    const char *details = r.details;
    for (size_t i = 0; i < o.n_printed; i++)
        fk_free(o.printed[i]);
    fk_free(o.printed);
    if (s == FK_EFINDING) {
        /* Findings are the check's result: audit the counts, then report. */
        fk_err audit_err;
        fk_err_clear(&audit_err);
        if (fk_job_audit(job, object, s, details, &audit_err) != FK_OK) {
            fk_job_close(job);
            return fk_cli_fail(&audit_err);
        }
        fk_job_close(job);
        return fk_cli_fail(&err);
    }
    return fk_cli_finish(job, object, s, details, &err);
}

const fk_command fk_cmd_verify = {
    .name = "verify",
    .summary = N_("enclosure check (突合): every envelope holds one person's complete set"),
    .usage = fk__usage,
    .run = fk__run,
};
