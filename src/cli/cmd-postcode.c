/* fukan postcode: the customer barcode of one address (or of many, --batch). */
#include "cli.h"
#include "postal/postal.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const fk_command fk_cmd_postcode; /* its usage, for usage errors */

#define FK__LINE_MAX 4096

static int fk__data_info(const fk_postal_db *db)
{
    fk_postal_info info;
    fk_postal_db_get_info(db, &info);
    printf(_("package: %s %s\n"), info.package, info.version);
    printf(_("published: %s\n"), info.published);
    printf(_("tarball sha1: %s\n"), info.shasum);
    printf(_("codes: %zu in %zu municipalities\n"), info.codes, info.municipalities);
    printf(_("table: %s\n"), info.path);
    return FK_EXIT_OK;
}

/* Prints the reason why r has no barcode, with what the list says about the code. */
static void fk__print_no_barcode(FILE *out, const fk_postal_result *r)
{
    fprintf(out, _("no barcode: %s\n"), fk_postal_verdict_reason(r));
    if (r->verdict == FK_POSTAL_UNKNOWN_CODE)
        return;
    fprintf(out, _("postal code %.3s-%s: %s%s%s\n"), r->entry.code, r->entry.code + 3,
            r->entry.prefecture, r->entry.city, r->entry.town);
    if (r->split.other_town != NULL)
        fprintf(out, _("the address names: %s\n"), r->split.other_town);
}

static int fk__one(const fk_postal_db *db, const char *postal, const char *address,
                   const char *building, const char *svg, double pt, bool bars)
{
    fk_err err;
    fk_err_clear(&err);
    fk_postal_result *r = fk_malloc(sizeof *r);
    if (r == NULL) {
        fk_cli_error(_("out of memory"));
        return FK_EXIT_ENV;
    }
    fk_status s = fk_postal_compute(db, postal, address, building, r, &err);
    if (s != FK_OK) {
        fk_free(r);
        return fk_cli_fail(&err);
    }
    if (r->verdict != FK_POSTAL_OK) {
        fk__print_no_barcode(stdout, r);
        fk_free(r);
        return FK_EXIT_FINDINGS;
    }
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    s = fk_custbar_append_tokens(&r->barcode, &b);
    if (s == FK_OK)
        printf("%s\n%s\n", r->display, fk_buf_cstr(&b));
    if (s == FK_OK && bars)
        printf("%s\n", r->barcode.bars);
    if (s == FK_OK && svg != NULL) {
        fk_buf_reset(&b);
        s = fk_custbar_write_svg(&r->barcode, pt, &b);
        if (s == FK_OK)
            s = fk_fs_write_atomic(svg, b.data, b.len, &err);
        else
            fk_failf(&err, s, _("cannot draw the barcode"));
    }
    fk_buf_free(&b);
    fk_free(r);
    if (s != FK_OK) {
        if (err.status == FK_OK)
            fk_failf(&err, s, _("out of memory"));
        return fk_cli_fail(&err);
    }
    return FK_EXIT_OK;
}

/* --batch: "POSTAL<TAB>ADDRESS[<TAB>BUILDING]" lines in, one result line out per line. */
static int fk__batch(const fk_postal_db *db)
{
    static char line[FK__LINE_MAX];
    fk_postal_result *r = fk_malloc(sizeof *r);
    if (r == NULL) {
        fk_cli_error(_("out of memory"));
        return FK_EXIT_ENV;
    }
    int rc = FK_EXIT_OK;
    size_t lineno = 0;
    fk_buf b;
    fk_buf_init(&b, 1 << 16);
    while (fgets(line, sizeof line, stdin) != NULL) {
        lineno++;
        size_t n = strcspn(line, "\r\n");
        if (line[n] == '\0' && !feof(stdin)) {
            fk_cli_error(_("stdin:%zu: line too long"), lineno);
            rc = FK_EXIT_USAGE;
            break;
        }
        line[n] = '\0';
        char *address = strchr(line, '\t');
        if (address == NULL) {
            fk_cli_error(_("stdin:%zu: expected POSTAL<TAB>ADDRESS[<TAB>BUILDING]"), lineno);
            rc = FK_EXIT_USAGE;
            break;
        }
        *address++ = '\0';
        char *building = strchr(address, '\t');
        if (building != NULL)
            *building++ = '\0';
        fk_err err;
        fk_err_clear(&err);
        if (fk_postal_compute(db, line, address, building, r, &err) != FK_OK) {
            printf("error\t%s\n", fk_err_message(&err));
            rc = FK_EXIT_FINDINGS;
            continue;
        }
        if (r->verdict != FK_POSTAL_OK) {
            printf("no barcode\t%s\n", fk_postal_verdict_reason(r));
            rc = FK_EXIT_FINDINGS;
            continue;
        }
        fk_buf_reset(&b);
        if (fk_custbar_append_tokens(&r->barcode, &b) != FK_OK) {
            fk_cli_error(_("out of memory"));
            rc = FK_EXIT_ENV;
            break;
        }
        printf("ok\t%s\t%s\t%s\n", r->display, fk_buf_cstr(&b), r->barcode.bars);
    }
    fk_buf_free(&b);
    fk_free(r);
    return rc;
}

static int fk__run(int argc, char **argv)
{
    const char *svg = NULL, *args[3] = {NULL, NULL, NULL};
    bool info = false, batch = false, bars = false;
    double pt = 8.0;
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--data-info") == 0) {
            info = true;
        } else if (strcmp(a, "--batch") == 0) {
            batch = true;
        } else if (strcmp(a, "--bars") == 0) {
            bars = true;
        } else if (strcmp(a, "--svg") == 0 && i + 1 < argc) {
            svg = argv[++i];
        } else if (strcmp(a, "--pt") == 0 && i + 1 < argc) {
            char *end;
            pt = strtod(argv[++i], &end);
            if (*end != '\0' || !fk_custbar_pt_is_valid(pt)) {
                fk_cli_error(_("--pt takes a size from 8 to 11.5 points"));
                return FK_EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            fk_cli_error(_("unknown option '%s'"), a);
            fk_cli_usage_error(fk_cmd_postcode.usage);
            return FK_EXIT_USAGE;
        } else if (nargs < 3) {
            args[nargs++] = a;
        } else {
            fk_cli_error(_("too many arguments"));
            fk_cli_usage_error(fk_cmd_postcode.usage);
            return FK_EXIT_USAGE;
        }
    }
    if (!info && !batch && nargs < 2) {
        fk_cli_usage_error(fk_cmd_postcode.usage);
        return FK_EXIT_USAGE;
    }
    fk_postal_db *db;
    fk_err err;
    fk_err_clear(&err);
    if (fk_postal_db_open(NULL, &db, &err) != FK_OK) {
        fk_cli_error("%s", fk_err_message(&err));
        return FK_EXIT_ENV;
    }
    int rc;
    if (info)
        rc = fk__data_info(db);
    else if (batch)
        rc = fk__batch(db);
    else
        rc = fk__one(db, args[0], args[1], args[2], svg, pt, bars);
    fk_postal_db_free(db);
    return rc;
}

const fk_command fk_cmd_postcode = {
    .name = "postcode",
    .summary = N_("print the Japan Post customer barcode of an address"),
    .usage =
        N_("usage: fukan postcode [options] POSTAL ADDRESS [BUILDING]\n"
           "       fukan postcode --data-info\n"
           "       fukan postcode --batch < lines\n\n"
           "Prints the address display number (住所表示番号) as Japan Post writes it, e.g.\n"
           "3-20-5B604, then the 20 data characters and the check digit as 21 tokens\n"
           "(0-9, -, CC1-CC8). When no barcode may be printed (a catch-all postal code, a code\n"
           "that does not belong to the address, a code not in the list) it prints\n"
           "'no barcode: REASON' and exits 1.\n\n"
           "options:\n"
           "  --svg FILE   also draw the barcode as SVG (with its 2 mm quiet zone)\n"
           "  --pt N       bar size in points for --svg: 8 (default) to 11.5\n"
           "  --bars       also print the 67 bars (L long, A up, D down, T timing)\n"
           "  --data-info  print the postal-code list's package, version and date\n"
           "  --batch      read POSTAL<TAB>ADDRESS[<TAB>BUILDING] lines from stdin and print\n"
           "               'ok<TAB>DISPLAY<TAB>TOKENS<TAB>BARS' or 'no barcode<TAB>REASON'\n\n"
           "The list is found through $FUKAN_POSTAL_DATA, then the build directory, then the\n"
           "installed data directory.\n"),
    .run = fk__run,
};
