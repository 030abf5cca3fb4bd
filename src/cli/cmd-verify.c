/* fukan verify: the enclosure check (突合) from a camera export, page images or a scan
 * station; rework and history. The check itself is src/verify/. */
#include "cli.h"
#include "core/enclosure.h"
#include "core/moves.h"
#include "session.h"
#include "util/mem.h"
#include "station.h"
#include "verify/camera.h"
#include "verify/images.h"
#include "verify/jobplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    "usage: fukan verify JOBDIR --camera FILE [--record-partial] [PRINTED]\n"
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
    "counting as idle.\n";

typedef struct {
    const char *camera, *images, *rework, *history, *reason, *printed_file;
    bool station, summary, assume_printed, record_partial;
    char **printed; /* print file names */
    size_t n_printed;
    const char *job_code;
} fk__opts;

static bool fk__is_printed(void *ctx, fk_category c, int batch, int sheet)
{
    const fk__opts *o = ctx;
    char name[96];
    snprintf(name, sizeof name, "%s-%c-%d-%03d.pdf", o->job_code, fk_category_code(c), sheet,
             batch);
    for (size_t i = 0; i < o->n_printed; i++)
        if (strcmp(o->printed[i], name) == 0)
            return true;
    return false;
}

static fk_status fk__load_printed(fk__opts *o, fk_err *err)
{
    FILE *f = fopen(o->printed_file, "r");
    if (f == NULL)
        return fk_failf(err, FK_ENOENT, "%s: cannot open", o->printed_file);
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
            s = fk_failf(err, FK_ENOMEM, "out of memory");
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

static void fk__print_outcome(const fk_verify_outcome *o)
{
    const fk_verify_result *r = &o->result;
    if (r->faults == 0)
        return;
    char faults[256], name[24];
    fk_verify_faults_describe(r->faults, faults, sizeof faults);
    if (r->identified) {
        fk__name(name, sizeof name, r->category, r->serial);
        printf("FAIL %s batch %d (read as envelope %s): %s\n", name, r->batch, o->envelope, faults);
    } else {
        printf("FAIL envelope read as %s (no code of this job read): %s\n", o->envelope, faults);
    }
}

static int fk__print_missing(const fk_verify_envelope_info *e, void *ctx)
{
    char name[24];
    fk__name(name, sizeof name, e->category, e->serial);
    printf("%s %s batch %d\n", (const char *)ctx, name, e->batch);
    return 0;
}

/* Stores the outcomes and prints the totals; FK_EFINDING unless every envelope is verified. */
static fk_status fk__finish_check(fk_job *job, const fk_verify_plan *plan, fk_verify *v,
                                  const fk_verify_outcomes *out, bool stored, const char *source,
                                  char *details, size_t dsize, fk_err *err)
{
    long failed_now = 0;
    for (size_t i = 0; i < out->n; i++) {
        fk__print_outcome(&out->items[i]);
        failed_now += out->items[i].result.faults != 0;
    }
    fk_status s = fk_job_begin(job, err);
    for (size_t i = 0; s == FK_OK && !stored && i < out->n; i++)
        s = fk_verify_store_result(job, &out->items[i].result, source, err);
    if (s == FK_OK)
        s = fk_verify_mark_files(job, plan, v, err);
    if (s == FK_OK)
        s = fk_job_moves_audit(job, err);
    s = fk_job_end(job, s, err);
    if (s != FK_OK)
        return s;
    fk_verify_foreach_state(v, FK_ENCL_FAILED, fk__print_missing, "failed");
    fk_verify_foreach_state(v, FK_ENCL_REWORK, fk__print_missing, "rework");
    fk_verify_foreach_state(v, FK_ENCL_NONE, fk__print_missing, "missing");
    fk_verify_totals t;
    fk_verify_get_totals(v, &t);
    long comp = 0, ver = 0, fail = 0, miss = 0;
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        comp += t.composed[c];
        ver += t.verified[c];
        fail += t.failed[c];
        miss += t.missing[c];
    }
    printf("this check: %zu envelopes (%ld sheets) read, %ld passed, %ld failed\n", out->n,
           out->sheets, (long)out->n - failed_now, failed_now);
    printf("job: verified %ld of %ld, failed %ld, missing %ld\n", ver, comp, fail, miss);
    for (int c = 0; c < FK_CAT_COUNT; c++)
        if (t.composed[c] > 0) {
            printf("  %c ", fk_category_code((fk_category)c));
            fk_cli_print_cell(fk_category_label((fk_category)c), 16);
            printf(" verified %ld of %ld, failed %ld, missing %ld\n", t.verified[c], t.composed[c],
                   t.failed[c], t.missing[c]);
        }
    snprintf(details, dsize,
             "%s: %zu envelopes read, %ld failed; job verified %ld of %ld, failed %ld, missing %ld",
             source, out->n, failed_now, ver, comp, fail, miss);
    if (failed_now > 0 || fail > 0 || miss > 0)
        return fk_failf(err, FK_EFINDING,
                        "%ld envelopes failed in this check; job: %ld failed, %ld missing",
                        failed_now, fail, miss);
    return FK_OK;
}

static int fk__print_event(const fk_encl_event *e, void *ctx)
{
    (void)ctx;
    printf("%s  %-7s %-30s %-24s %s\n", e->at, e->event, e->detail[0] ? e->detail : "-", e->by,
           e->source);
    return 0;
}

static int fk__print_summary(const fk_encl_summary *m, void *ctx)
{
    (void)ctx;
    printf("batch %d %c: composed %ld, verified %ld, failed %ld, missing %ld\n", m->batch,
           fk_category_code(m->category), m->composed, m->verified, m->failed, m->missing);
    return 0;
}

typedef struct {
    fk_category *c;
    long *serial;
    size_t n, cap;
    bool out_of_memory;
} fk__failed;

static int fk__collect_failed(const fk_encl_row *row, void *ctx)
{
    fk__failed *f = ctx;
    if (row->state != FK_ENCL_FAILED)
        return 0;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 256;
        fk_category *c = fk_realloc(f->c, cap * sizeof *c);
        if (c != NULL)
            f->c = c;
        long *serial = c ? fk_realloc(f->serial, cap * sizeof *serial) : NULL;
        if (serial == NULL) {
            f->out_of_memory = true;
            return 1;
        }
        f->serial = serial;
        f->cap = cap;
    }
    f->c[f->n] = row->category;
    f->serial[f->n++] = row->serial;
    return 0;
}

/* --rework failed: every failed envelope at once (the demo; a table of reworked pieces). */
static fk_status fk__rework_all(fk_job *job, const fk__opts *o, char *details, size_t dsize,
                                fk_err *err)
{
    fk__failed f = {0};
    fk_status s = fk_job_encl_foreach(job, fk__collect_failed, &f, err);
    if (s == FK_OK && f.out_of_memory)
        s = fk_failf(err, FK_ENOMEM, "out of memory");
    for (size_t i = 0; s == FK_OK && i < f.n; i++) {
        s = fk_job_encl_rework(job, f.c[i], f.serial[i], o->reason ? o->reason : "", err);
        if (s == FK_OK)
            printf("envelope %c-%06ld opened for rework\n", fk_category_code(f.c[i]), f.serial[i]);
    }
    snprintf(details, dsize, "%zu failed envelopes opened for rework", f.n);
    fk_free(f.c);
    fk_free(f.serial);
    return s;
}

static fk_status fk__rework(fk_job *job, const fk__opts *o, char *details, size_t dsize,
                            fk_err *err)
{
    fk_category c;
    long serial;
    if (strcmp(o->rework, "failed") == 0)
        return fk__rework_all(job, o, details, dsize, err);
    if (!fk_verify_parse_envelope(o->rework, &c, &serial))
        return fk_failf(err, FK_EINVAL, "'%s' is not an envelope (C-SERIAL, e.g. S-000123)",
                        o->rework);
    fk_status s = fk_job_encl_rework(job, c, serial, o->reason ? o->reason : "", err);
    snprintf(details, dsize, "envelope %s opened for rework", o->rework);
    if (s == FK_OK)
        printf("%s\n", details);
    return s;
}

static void fk__unreadable(void *ctx, const char *file, int page, const char *why)
{
    (void)ctx;
    printf("unreadable image %s page %d: %s\n", file, page + 1, why);
}

static fk_status fk__check(fk_job *job, fk__opts *o, char *details, size_t dsize, fk_err *err)
{
    fk_verify_plan *plan = NULL;
    fk_verify *v = NULL;
    fk_verify_outcomes out = {0};
    fk_verify_printed *printed = NULL;
    fk_verify_hooks hooks = {NULL, NULL, o};
    /* The print log says what is printed, unless the operator states it for paper printed
     * outside fukan. Nothing is delivered before the delivery receipts exist. */
    fk_status s = FK_OK;
    if (o->printed_file != NULL) {
        hooks.is_printed = fk__is_printed;
    } else if (!o->assume_printed) {
        s = fk_verify_printed_from_job(job, &printed, err);
        hooks = (fk_verify_hooks){fk_verify_printed_has, NULL, printed};
    }
    if (s == FK_OK)
        s = fk_verify_plan_from_job(job, &plan, err);
    if (s == FK_OK)
        s = fk_verify_new(plan, &hooks, &v, err);
    if (s == FK_OK)
        s = fk_verify_load_states(v, job, err);
    char source[300];
    if (o->camera != NULL) {
        const char *base = strrchr(o->camera, '/');
        snprintf(source, sizeof source, "camera %s", base ? base + 1 : o->camera);
        if (s == FK_OK) {
            s = fk_verify_camera_file(v, o->camera, &out, err);
            if (s != FK_OK && s != FK_ENOMEM && o->record_partial && out.n > 0) {
                fk_cli_error("%s", fk_err_message(err));
                fk_cli_error("recording the %zu envelopes read before the error "
                             "(--record-partial)",
                             out.n);
                s = FK_OK;
            }
        }
    } else if (o->images != NULL) {
        snprintf(source, sizeof source, "images");
        if (s == FK_OK)
            s = fk_verify_images_dir(v, o->images, &out, fk__unreadable, NULL, err);
    } else {
        snprintf(source, sizeof source, "station");
        if (s == FK_OK)
            s = fk_cli_station(job, v, &out, err);
    }
    if (s == FK_OK)
        s = fk__finish_check(job, plan, v, &out, o->station, source, details, dsize, err);
    else if (s != FK_EFINDING)
        snprintf(details, dsize, "%s: nothing recorded", source);
    fk_verify_outcomes_free(&out);
    fk_verify_free(v);
    fk_verify_plan_free(plan);
    fk_verify_printed_free(printed);
    return s;
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
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    if (o.reason != NULL && strlen(o.reason) > 200) {
        fk_cli_error("--reason: at most 200 bytes (and never personal data)");
        return FK_EXIT_USAGE;
    }
    unsigned roles = o.history || o.summary ? FK_ROLES_ALL : FK_ROLES_STAFF;
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "verify", roles, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    o.job_code = fk_order_job_code(fk_job_order(job));
    char details[512] = "";
    const char *object = "envelopes";
    fk_status s = FK_OK;
    if (o.printed_file != NULL)
        s = fk__load_printed(&o, &err);
    if (s != FK_OK) {
    } else if (o.history != NULL) {
        fk_category c;
        long serial;
        object = o.history;
        if (!fk_verify_parse_envelope(o.history, &c, &serial))
            s = fk_failf(&err, FK_EINVAL, "'%s' is not an envelope (C-SERIAL, e.g. S-000123)",
                         o.history);
        else
            s = fk_job_encl_history(job, c, serial, fk__print_event, NULL, &err);
        snprintf(details, sizeof details, "history shown");
    } else if (o.summary) {
        s = fk_job_encl_summary(job, fk__print_summary, NULL, &err);
        snprintf(details, sizeof details, "summary shown");
    } else if (o.rework != NULL) {
        object = o.rework;
        s = fk__rework(job, &o, details, sizeof details, &err);
    } else {
        s = fk__check(job, &o, details, sizeof details, &err);
    }
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
    .summary = "enclosure check (突合): every envelope holds one person's complete set",
    .usage = fk__usage,
    .run = fk__run,
};
