#include "remindtext.h"

#include <string.h>

#include "i18n.h"

const char *lu_remindtext_say(const char *code)
{
    if (strcmp(code, "not_reported_before_close") == 0)
        return _("not reported yet, and the month closes soon");
    if (strcmp(code, "not_approved_before_close") == 0)
        return _("not approved yet, and the month closes soon");
    if (strcmp(code, "not_reported_after_close") == 0)
        return _("the month has closed and is not reported");
    if (strcmp(code, "not_approved_after_close") == 0)
        return _("the month has closed and is not approved");
    return code;
}
