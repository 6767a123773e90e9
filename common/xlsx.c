#include "xlsx.h"

#include <errno.h>
#include <stdio.h>

#include "i18n.h"

int lu_xlsx_read(const char *data, size_t len, const char *sheet,
                 struct lu_sheet *out, char *err, size_t errlen)
{
    snprintf(err, errlen, _("cannot read .xlsx files yet; save as CSV"));
    return -ENOTSUP;
}
