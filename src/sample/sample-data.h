/*
 * The tables the sample generator draws from: Shinjuku-ku town areas with their postal
 * codes, family and given names with their readings, building names. Private to
 * src/sample; kept apart from the generator so the data can be reviewed on its own.
 */
#ifndef FK_SAMPLE_DATA_H
#define FK_SAMPLE_DATA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fk__town {
    const char *postal; /* 7 digits */
    const char *name;   /* 町域 as Japan Post writes it */
    int max_chome;      /* 0: the town has no 丁目 */
    int max_banchi;
} fk__town;

typedef struct fk__name {
    const char *kanji;
    const char *kana;
    bool utf8_only; /* outside CP932 (𠮷, variation sequences) */
    int weight;     /* relative frequency */
} fk__name;

extern const fk__town fk__towns[];
extern const size_t fk__town_count;

extern const fk__name fk__family_names[];
extern const size_t fk__family_name_count;
extern const fk__name fk__male_names[];
extern const size_t fk__male_name_count;
extern const fk__name fk__female_names[];
extern const size_t fk__female_name_count;

extern const char *const fk__buildings[];
extern const size_t fk__building_count;

#endif
