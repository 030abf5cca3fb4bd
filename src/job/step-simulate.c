/* fk_step_simulate_inserter: the camera export an inserter would write for the job, with
 * faults planted on purpose (src/verify/simulate.c). See fukan.h. */
#include "fukan.h"
#include "util/fsutil.h"
#include "verify/jobplan.h"
#include "verify/simulate.h"

static bool fk__is_rework(void *ctx, fk_category c, long serial)
{
    return fk_verify_get_state(ctx, c, serial) == FK_ENCL_REWORK;
}

fk_status fk_step_simulate_inserter(fk_job *job, const fk_simulate_inserter_options *opts,
                                    fk_err *err)
{
    fk_simulate_options so = {.swap = opts->swap,
                              .drop = opts->drop,
                              .duplicate = opts->duplicate,
                              .foreign = opts->foreign,
                              .forge = opts->forge,
                              .unread = opts->unread,
                              .seed = (uint64_t)opts->seed};
    fk_verify_plan *plan = NULL;
    fk_verify *v = NULL;
    fk_buf csv, planted;
    fk_buf_init(&csv, (size_t)1 << 31);
    fk_buf_init(&planted, (size_t)1 << 26);
    fk_status s = fk_verify_plan_from_job(job, NULL, NULL, &plan, err);
    if (s == FK_OK && opts->reworked) {
        s = fk_verify_new(plan, NULL, &v, err);
        if (s == FK_OK)
            s = fk_verify_load_states(v, job, err);
        so.include = fk__is_rework;
        so.ctx = v;
    }
    if (s == FK_OK)
        s = fk_verify_simulate(plan, &so, &csv, &planted, err);
    if (s == FK_OK)
        s = fk_fs_write_atomic(opts->output, csv.data, csv.len, err);
    if (s == FK_OK)
        s = fk_fs_write_atomic(opts->planted, planted.data ? planted.data : "", planted.len, err);
    fk_buf_free(&csv);
    fk_buf_free(&planted);
    fk_verify_free(v);
    fk_verify_plan_free(plan);
    return s;
}
