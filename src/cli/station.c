/* The scan station: see station.h. Front-end code: it draws, the check is src/verify/. */
#include "station.h"
#include "cli.h"
#include "verify/jobplan.h"
#include "util/i18n.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

enum { FK__MAX_SHEETS = 16, FK__LINE = 160 };

typedef struct {
    fk_job *job;
    fk_verify *v;
    fk_verify_outcomes *out;
    char sheets[FK__MAX_SHEETS][FK__LINE];
    int n, expected;
    long count; /* envelopes checked at this station */
    bool has_last;
    fk_verify_result last;
    char reason[400];
    fk_err *err;
} fk__station;

/* Large marks, drawn with full blocks so they read from across the table. */
static const char *const fk__big_ok[] = {
    "              ██", "             ██ ", "            ██  ",
    "██         ██   ", " ██       ██    ", "  ██     ██     ",
    "   ██   ██      ", "    ██ ██       ", "     ███        "};
static const char *const fk__big_ng[] = {"██          ██", " ██        ██ ", "  ██      ██  ",
                                         "   ██    ██   ", "     ████     ", "   ██    ██   ",
                                         "  ██      ██  ", " ██        ██ ", "██          ██"};

static void fk__reason(const fk_verify_result *r, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned bit = 1; bit < (1u << FK_VERIFY_FAULT_KINDS); bit <<= 1) {
        if (!(r->faults & bit))
            continue;
        int n =
            snprintf(out + used, size - used, "%s%s", used ? "・" : "", fk_verify_fault_label(bit));
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* s padded with spaces to `cells` terminal cells (a Japanese character takes two). */
static void fk__pad(char *out, size_t size, const char *s, int cells)
{
    int used = 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 1 < size; p++) {
        out[n++] = (char)*p;
        if (*p < 0x80 || *p >= 0xc0)
            used += *p >= 0xe0 ? 2 : 1;
    }
    while (used++ < cells && n + 1 < size)
        out[n++] = ' ';
    out[n] = '\0';
}

/* The table's heading, each count's title right-aligned over its column (by terminal cells,
 * so that Japanese titles line up too). */
static void fk__heading(char *out, size_t size)
{
    static const char *const titles[] = {N_("verified"), N_("failed"), N_("not read"), N_("all")};
    static const int widths[] = {6, 6, 8, 6};
    fk__pad(out, size, _("category"), 18);
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        size_t used = strlen(out);
        const char *t = _(titles[i]);
        int pad = widths[i] + 1 - fk_cli_cells(t);
        snprintf(out + used, size - used, "%*s%s", pad > 0 ? pad : 0, "", t);
    }
}

static void fk__draw(const fk__station *st, const char *typing)
{
    erase();
    mvaddstr(0, 0, _("Enclosure check scan station  (to end: type q and Enter)"));
    fk_verify_totals t;
    fk_verify_get_totals(st->v, &t);
    int row = 2;
    char head[256];
    fk__heading(head, sizeof head);
    mvaddstr(row++, 0, head);
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        if (t.composed[c] == 0)
            continue;
        char line[160], label[64];
        fk__pad(label, sizeof label, fk_category_label((fk_category)c), 16);
        snprintf(line, sizeof line, "%c %s %6ld %6ld %8ld %6ld", fk_category_code((fk_category)c),
                 label, t.verified[c], t.failed[c], t.missing[c], t.composed[c]);
        mvaddstr(row++, 0, line);
    }
    row++;
    if (st->has_last) {
        char name[32];
        if (st->last.identified)
            snprintf(name, sizeof name, _("envelope %c-%06ld"), fk_category_code(st->last.category),
                     st->last.serial);
        else
            snprintf(name, sizeof name, "%s", _("envelope (number not read)"));
        bool ok = st->last.faults == 0;
        if (has_colors())
            attron(COLOR_PAIR(ok ? 1 : 2) | A_BOLD);
        for (int i = 0; i < 9; i++)
            mvaddstr(row + i, 2, ok ? fk__big_ok[i] : fk__big_ng[i]);
        mvaddstr(row + 3, 24, ok ? _("✓ OK") : _("✗ FAULT"));
        if (has_colors())
            attroff(COLOR_PAIR(ok ? 1 : 2) | A_BOLD);
        mvaddstr(row + 5, 24, name);
        if (!ok) {
            mvaddstr(row + 6, 24, st->reason);
            mvaddstr(row + 7, 24, _("this envelope needs rework (no key clears it)"));
        }
        row += 10;
    }
    char line[256];
    snprintf(line, sizeof line,
             st->expected
                 ? _("envelope being read: %d sheets")
                 : _("envelope being read: %d sheets (an empty Enter closes the envelope)"),
             st->n);
    mvaddstr(row++, 0, line);
    snprintf(line, sizeof line, "> %s", typing);
    mvaddstr(row, 0, line);
    refresh();
}

static fk_status fk__close_envelope(fk__station *st)
{
    if (st->n == 0)
        return FK_OK;
    const char *p[FK__MAX_SHEETS];
    for (int i = 0; i < st->n; i++)
        p[i] = st->sheets[i];
    fk_verify_result r;
    fk_status s = fk_verify_envelope(st->v, p, (size_t)st->n, &r, st->err);
    char env[24];
    snprintf(env, sizeof env, "%ld", ++st->count);
    if (s == FK_OK && fk_verify_outcomes_add(st->out, &r, env) != FK_OK)
        s = fk_failf(st->err, FK_ENOMEM, _("out of memory"));
    /* Stored at once: an envelope checked at the station is on record even if the station
     * is closed abruptly. */
    if (s == FK_OK)
        s = fk_verify_store_result(st->job, &r, "station", st->err);
    st->out->sheets += st->n;
    st->n = 0;
    st->expected = 0;
    st->last = r;
    st->has_last = true;
    fk__reason(&r, st->reason, sizeof st->reason);
    if (s == FK_OK && r.faults != 0)
        beep();
    return s;
}

static fk_status fk__scanned(fk__station *st, const char *line)
{
    if (st->n == FK__MAX_SHEETS)
        return fk__close_envelope(st);
    snprintf(st->sheets[st->n++], FK__LINE, "%s", line);
    fk_verify_code code;
    if (st->expected == 0 && fk_verify_code_parse(line, &code))
        st->expected = code.sheets;
    if (st->expected > 0 && st->n >= st->expected)
        return fk__close_envelope(st);
    return FK_OK;
}

fk_status fk_cli_station(fk_job *job, fk_verify *v, fk_verify_outcomes *out, fk_err *err)
{
    setlocale(LC_ALL, "");
    /* The terminal itself, so that the report on stdout can go to a file or a pipe. */
    FILE *tty = fopen("/dev/tty", "r+");
    if (tty == NULL)
        return fk_failf(err, FK_EENV, _("--station needs a terminal (/dev/tty)"));
    SCREEN *screen = newterm(NULL, tty, tty);
    if (screen == NULL) {
        fclose(tty);
        return fk_failf(err, FK_EENV, _("--station: this terminal (TERM) is not known"));
    }
    set_term(screen);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    if (has_colors()) {
        start_color();
        init_pair(1, COLOR_GREEN, COLOR_BLACK);
        init_pair(2, COLOR_RED, COLOR_BLACK);
    }
    fk__station st = {.job = job, .v = v, .out = out, .err = err};
    char typing[FK__LINE] = "";
    size_t len = 0;
    fk_status s = FK_OK;
    fk__draw(&st, typing);
    for (;;) {
        int ch = getch();
        if (ch == ERR)
            break;
        if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            typing[len] = '\0';
            if (strcmp(typing, "q") == 0 || strcmp(typing, "終了") == 0)
                break;
            s = len == 0 ? fk__close_envelope(&st) : fk__scanned(&st, typing);
            len = 0;
            typing[0] = '\0';
            if (s != FK_OK)
                break;
        } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
            if (len > 0)
                typing[--len] = '\0';
        } else if (ch >= 0x20 && ch < 0x100 && len + 1 < sizeof typing) {
            typing[len++] = (char)ch;
            typing[len] = '\0';
        }
        fk__draw(&st, typing);
    }
    endwin();
    delscreen(screen);
    fclose(tty);
    /* An envelope left half-scanned is not checked: it counts as not scanned. */
    return s;
}
