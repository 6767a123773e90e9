/* dlopen() of libzip and expat for common/xlsx.c: see xlsx_libs.h. */
#include "xlsx_libs.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

struct lu__xlsx_libs lu__xl;

/* What the one load found: 0 or -ENOENT, and why. Written once, under
 * pthread_once, read after it. */
static int load_result;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SYM(lib, field, name)                                                  \
    do {                                                                       \
        *(void **)&lu__xl.field = dlsym(lib, name);                            \
        if (lu__xl.field == NULL)                                              \
            goto fail;                                                         \
    } while (0)

static int load_zip(void)
{
    void *z = dlopen("libzip.so.4", RTLD_NOW | RTLD_LOCAL);

    if (z == NULL)
        goto fail;
    SYM(z, source_buffer_create, "zip_source_buffer_create");
    SYM(z, open_from_source, "zip_open_from_source");
    SYM(z, source_free, "zip_source_free");
    SYM(z, get_num_entries, "zip_get_num_entries");
    SYM(z, fopen, "zip_fopen");
    SYM(z, fread, "zip_fread");
    SYM(z, fclose, "zip_fclose");
    SYM(z, file_strerror, "zip_file_strerror");
    SYM(z, discard, "zip_discard");
    SYM(z, error_init, "zip_error_init");
    SYM(z, error_fini, "zip_error_fini");
    SYM(z, error_strerror, "zip_error_strerror");
    return 0;
fail:
    snprintf(load_error, sizeof(load_error),
             _("cannot load libzip.so.4 (Debian: libzip4) to read .xlsx: %s"),
             dlerror());
    return -ENOENT;
}

static int load_expat(void)
{
    void *x = dlopen("libexpat.so.1", RTLD_NOW | RTLD_LOCAL);

    if (x == NULL)
        goto fail;
    SYM(x, parser_create, "XML_ParserCreate");
    SYM(x, parser_free, "XML_ParserFree");
    SYM(x, set_user_data, "XML_SetUserData");
    SYM(x, set_element_handler, "XML_SetElementHandler");
    SYM(x, set_character_data_handler, "XML_SetCharacterDataHandler");
    SYM(x, set_start_doctype_decl_handler, "XML_SetStartDoctypeDeclHandler");
    SYM(x, parse, "XML_Parse");
    SYM(x, stop_parser, "XML_StopParser");
    SYM(x, get_error_code, "XML_GetErrorCode");
    SYM(x, error_string, "XML_ErrorString");
    SYM(x, get_current_line_number, "XML_GetCurrentLineNumber");
    return 0;
fail:
    snprintf(load_error, sizeof(load_error),
             _("cannot load libexpat.so.1 (Debian: libexpat1) to read "
               ".xlsx: %s"),
             dlerror());
    return -ENOENT;
}

/* The libraries stay loaded for the life of the process. */
static void load(void)
{
    load_result = load_zip();
    if (load_result == 0)
        load_result = load_expat();
}

int lu__xlsx_libs_load(char *err, size_t errlen)
{
    pthread_once(&once, load);
    if (load_result < 0)
        snprintf(err, errlen, "%s", load_error);
    return load_result;
}
