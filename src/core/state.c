/* The job's state machine: see state.h. Every transition is a row of fk__record_moves or
 * fk__file_moves; adding a step means adding its rows here. */
#include "state.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *label, *command;
} fk__record_states[FK_REC_STATE_COUNT] = {
    [FK_REC_RECEIVED] = {"received", "受領", NULL},
    [FK_REC_REJECTED] = {"rejected", "不備", "open"},
    [FK_REC_ACCEPTED] = {"accepted", "受付", "open"},
    [FK_REC_HELD] = {"held", "保留", "check"},
    [FK_REC_CHECKED] = {"checked", "点検済", "check"},
    [FK_REC_COMPOSED] = {"composed", "組版済", "compose"},
    [FK_REC_PRINTED] = {"printed", "印刷済", "print"},
    [FK_REC_VERIFIED] = {"verified", "突合済", "verify"},
    [FK_REC_DELIVERED] = {"delivered", "納品済", "receipt"},
};

static const struct {
    const char *name, *label;
} fk__file_states[FK_FILE_STATE_COUNT] = {
    [FK_FILE_COMPOSED] = {"composed", "組版済"},
    [FK_FILE_PRINTED] = {"printed", "印刷済"},
    [FK_FILE_VERIFIED] = {"verified", "突合済"},
};

/* Who may move a record from where to where. A record stays in a state (from == to) only
 * where the table says so: checking again leaves a checked record checked. */
static const struct {
    fk_record_state from, to;
    const char *command;
} fk__record_moves[] = {
    {FK_REC_RECEIVED, FK_REC_ACCEPTED, "open"},
    {FK_REC_RECEIVED, FK_REC_REJECTED, "open"},
    /* The quality gate: agreement or an accepted disagreement checks, the rest is held. */
    {FK_REC_ACCEPTED, FK_REC_CHECKED, "check"},
    {FK_REC_ACCEPTED, FK_REC_HELD, "check"},
    {FK_REC_CHECKED, FK_REC_CHECKED, "check"},
    {FK_REC_CHECKED, FK_REC_HELD, "check"},
    {FK_REC_HELD, FK_REC_HELD, "check"},
    {FK_REC_HELD, FK_REC_CHECKED, "check"},
    /* Compose holds back what cannot be printed exactly, and composes the rest. */
    {FK_REC_CHECKED, FK_REC_HELD, "compose"},
    {FK_REC_CHECKED, FK_REC_COMPOSED, "compose"},
    /* compose --replace takes composed records back before composing again (never once
     * anything is printed: fk_job_state_counts tells the step). */
    {FK_REC_COMPOSED, FK_REC_CHECKED, "compose"},
    {FK_REC_COMPOSED, FK_REC_PRINTED, "print"},
    {FK_REC_PRINTED, FK_REC_VERIFIED, "verify"},
    {FK_REC_VERIFIED, FK_REC_DELIVERED, "receipt"},
};

static const struct {
    fk_file_state from, to;
    const char *command;
} fk__file_moves[] = {
    {FK_FILE_COMPOSED, FK_FILE_PRINTED, "print"},
    /* a print whose outcome a killed `fukan print` left unrecorded, found again by status */
    {FK_FILE_COMPOSED, FK_FILE_PRINTED, "status"},
    {FK_FILE_COMPOSED, FK_FILE_PRINTED, "reprint"}, /* a child print file of single envelopes */
    {FK_FILE_PRINTED, FK_FILE_VERIFIED, "verify"},
};

const char *fk_record_state_name(fk_record_state s)
{
    return (unsigned)s < FK_REC_STATE_COUNT ? fk__record_states[s].name : "unknown";
}

const char *fk_record_state_label(fk_record_state s)
{
    return (unsigned)s < FK_REC_STATE_COUNT ? fk__record_states[s].label : "不明";
}

bool fk_record_state_parse(const char *name, fk_record_state *out)
{
    for (int i = 0; name != NULL && i < FK_REC_STATE_COUNT; i++) {
        if (strcmp(fk__record_states[i].name, name) == 0) {
            *out = (fk_record_state)i;
            return true;
        }
    }
    return false;
}

const char *fk_file_state_name(fk_file_state s)
{
    return (unsigned)s < FK_FILE_STATE_COUNT ? fk__file_states[s].name : "unknown";
}

const char *fk_file_state_label(fk_file_state s)
{
    return (unsigned)s < FK_FILE_STATE_COUNT ? fk__file_states[s].label : "不明";
}

bool fk_file_state_parse(const char *name, fk_file_state *out)
{
    for (int i = 0; name != NULL && i < FK_FILE_STATE_COUNT; i++) {
        if (strcmp(fk__file_states[i].name, name) == 0) {
            *out = (fk_file_state)i;
            return true;
        }
    }
    return false;
}

const char *fk_record_state_command(fk_record_state s)
{
    return (unsigned)s < FK_REC_STATE_COUNT ? fk__record_states[s].command : NULL;
}

bool fk_record_transition_allowed(fk_record_state from, fk_record_state to, const char *command)
{
    for (size_t i = 0; i < sizeof fk__record_moves / sizeof fk__record_moves[0]; i++)
        if (fk__record_moves[i].from == from && fk__record_moves[i].to == to &&
            strcmp(fk__record_moves[i].command, command) == 0)
            return true;
    return false;
}

bool fk_file_transition_allowed(fk_file_state from, fk_file_state to, const char *command)
{
    for (size_t i = 0; i < sizeof fk__file_moves / sizeof fk__file_moves[0]; i++)
        if (fk__file_moves[i].from == from && fk__file_moves[i].to == to &&
            strcmp(fk__file_moves[i].command, command) == 0)
            return true;
    return false;
}

/* The forward move out of `from` that has to come before reaching `to`: the missing step. */
static int fk__missing_move(fk_record_state from, fk_record_state to)
{
    for (size_t i = 0; i < sizeof fk__record_moves / sizeof fk__record_moves[0]; i++) {
        fk_record_state next = fk__record_moves[i].to;
        if (fk__record_moves[i].from == from && next > from && next < to && next != FK_REC_HELD)
            return (int)i;
    }
    return -1;
}

/* A state as the operator reads it: its Japanese label in Japanese messages, else its name. */
static const char *fk__record_word(fk_record_state s)
{
    return fk_i18n_is_japanese() ? fk_record_state_label(s) : fk_record_state_name(s);
}

static const char *fk__file_word(fk_file_state s)
{
    return fk_i18n_is_japanese() ? fk_file_state_label(s) : fk_file_state_name(s);
}

fk_status fk_record_transition_check(fk_record_state from, fk_record_state to, const char *command,
                                     const char *what, fk_err *err)
{
    if (fk_record_transition_allowed(from, to, command))
        return FK_OK;
    int m = fk__missing_move(from, to);
    if (m >= 0)
        return fk_failf(err, FK_ESTATE, _("%s is %s, not %s yet: run 'fukan %s JOBDIR' first"),
                        what, fk__record_word(from), fk__record_word(fk__record_moves[m].to),
                        fk__record_moves[m].command);
    return fk_failf(err, FK_ESTATE, _("%s is %s: 'fukan %s' cannot make it %s"), what,
                    fk__record_word(from), command, fk__record_word(to));
}

fk_status fk_file_transition_check(fk_file_state from, fk_file_state to, const char *command,
                                   const char *what, fk_err *err)
{
    if (fk_file_transition_allowed(from, to, command))
        return FK_OK;
    if (from == FK_FILE_COMPOSED && to == FK_FILE_VERIFIED)
        return fk_failf(err, FK_ESTATE,
                        _("%s is composed, not printed yet: run 'fukan print JOBDIR'"
                          " first"),
                        what);
    return fk_failf(err, FK_ESTATE, _("%s is %s: fukan %s cannot make it %s"), what,
                    fk__file_word(from), command, fk__file_word(to));
}
