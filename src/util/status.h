/*
 * Status codes shared by every module. One table, never renumbered: a status value
 * may be stored in the job store or printed in an audit entry, so its number is part of
 * the contract. The detailed message for a failure lives in an fk_err (err.h).
 */
#ifndef FK_STATUS_H
#define FK_STATUS_H

#define FK_STATUS_MAP(X)                                                                           \
    X(OK, 0, N_("success"))                                                                        \
    X(ENOMEM, 1, N_("out of memory"))                                                              \
    X(EINVAL, 2, N_("invalid argument"))                                                           \
    X(EIO, 3, N_("input/output error"))                                                            \
    X(EFORMAT, 4, N_("malformed input"))                                                           \
    X(EPERM, 5, N_("permission denied"))                                                           \
    X(EAUTH, 6, N_("authentication failed"))                                                       \
    X(ELOCKED, 7, N_("user locked"))                                                               \
    X(EEXIST, 8, N_("already exists"))                                                             \
    X(ENOENT, 9, N_("not found"))                                                                  \
    X(ECRYPTO, 10, N_("cryptographic failure"))                                                    \
    X(EDB, 11, N_("job store error"))                                                              \
    X(ETOOBIG, 12, N_("input exceeds a limit"))                                                    \
    X(EUNSAFE, 13, N_("unsafe file permissions"))                                                  \
    X(ETAMPER, 14, N_("integrity check failed"))                                                   \
    X(EENV, 15, N_("environment error"))                                                           \
    X(EFINDING, 16, N_("findings reported"))                                                       \
    X(ESTATE, 17, N_("operation not allowed in this state"))

typedef enum {
#define FK__STATUS_ENUM(name, value, text) FK_##name = value,
    FK_STATUS_MAP(FK__STATUS_ENUM)
#undef FK__STATUS_ENUM
} fk_status;

#if defined(__GNUC__) || defined(__clang__)
#define FK_WARN_UNUSED  __attribute__((warn_unused_result))
#define FK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FK_WARN_UNUSED
#define FK_PRINTF(a, b)
#endif

/* The symbolic name ("FK_EAUTH") of a status; "FK_UNKNOWN" for values outside the table. */
const char *fk_status_name(fk_status s);

/* A short description of a status in the operator's language (English msgid). */
const char *fk_strerror(fk_status s);

#endif
