/* A bulletin's statuses and report states in the reader's words (through
 * the catalogue: 达标, 按时, ...), for every page and text that shows a
 * bulletin to people: luyuctl's renderings and the hub's dashboard. */
#ifndef LEDGER_BULLETIN_WORDS_H
#define LEDGER_BULLETIN_WORDS_H

#include "bulletin.pb-c.h"

/* "达标", "进度正常", "滞后", "无目标", "无基数"; "?" for unknown. */
const char *ledger_bulletin_status_text(Luyu__Status s);
/* "按时", "迟报", "未报", "-". */
const char *ledger_bulletin_state_text(Luyu__ReportState s);

#endif
