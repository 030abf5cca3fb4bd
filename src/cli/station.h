/*
 * The scan station (--station): a full-screen terminal UI in Japanese for an operator with a
 * hand scanner (keyboard wedge). Each envelope's sheets are scanned; the envelope closes when
 * its set is complete (or on an empty line); the screen shows a large ✓ 正常 or ✗ 異常 with
 * the reason, rings the bell on ✗ and keeps running counts per category. A wrong envelope
 * stays on screen until the next scan: no key accepts it, only rework does.
 */
#ifndef FK_STATION_H
#define FK_STATION_H

#include "core/job.h"
#include "verify/camera.h"

/* Runs until the operator types 終了 (or "q", or end of input). */
fk_status fk_cli_station(fk_job *job, fk_verify *v, fk_verify_outcomes *out,
                         fk_err *err) FK_WARN_UNUSED;

#endif
