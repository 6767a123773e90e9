#include "bulletin_words.h"

#include "i18n.h"

const char *ledger_bulletin_status_text(Luyu__Status s)
{
    switch (s) {
    case LUYU__STATUS__STATUS_MET:
        return _("met");
    case LUYU__STATUS__STATUS_ON_TRACK:
        return _("on track");
    case LUYU__STATUS__STATUS_BEHIND:
        return _("behind");
    case LUYU__STATUS__STATUS_NO_TARGET:
        return _("no target");
    case LUYU__STATUS__STATUS_NO_BASELINE:
        return _("no baseline");
    default:
        return "?";
    }
}

const char *ledger_bulletin_state_text(Luyu__ReportState s)
{
    switch (s) {
    case LUYU__REPORT_STATE__REPORT_ON_TIME:
        return _("on time");
    case LUYU__REPORT_STATE__REPORT_LATE:
        return _("late");
    case LUYU__REPORT_STATE__REPORT_MISSING:
        return _("missing");
    default:
        return "-";
    }
}
