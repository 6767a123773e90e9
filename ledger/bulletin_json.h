/* A bulletin as JSON, for scripts (luyuctl bulletin show --format json)
 * and for the golden test of the bulletin's content: every field of
 * proto/bulletin.proto, in bulletin order, one list item per line so that
 * differences read well. Amounts in an indicator's base unit are strings as
 * typed ("30000000.00" yuan, "12" persons), exact, never floating point;
 * counts are numbers; times are China time ("2019-08-05T00:00:00+08:00");
 * months are "YYYY-MM"; the digest is hex. */
#ifndef LEDGER_BULLETIN_JSON_H
#define LEDGER_BULLETIN_JSON_H

#include "bulletin.pb-c.h"

struct lu_buf;

/* Appends b as one JSON object and a newline. */
void ledger_bulletin_json(const Luyu__Bulletin *b, struct lu_buf *out);

#endif
