/* libzip and expat, for reading .xlsx workbooks (common/xlsx.c), are
 * loaded with dlopen() when the first workbook is read, not linked: linked,
 * they and what they pull in (libcrypto, libbz2, libz) were mapped into
 * every node and luyuctl at start, though most of them never read a
 * workbook (docs/BENCHMARKS.md, node_idle_web_rss_kb). Only their headers
 * are used at build time; the calls in xlsx.c go through the pointers below
 * by the macros at the end. Internal to common/ (lu__ prefix). */
#ifndef LU_XLSX_LIBS_H
#define LU_XLSX_LIBS_H

#include <expat.h>
#include <stddef.h>
#include <zip.h>

struct lu__xlsx_libs {
    zip_source_t *(*source_buffer_create)(const void *, zip_uint64_t, int,
                                          zip_error_t *);
    zip_t *(*open_from_source)(zip_source_t *, int, zip_error_t *);
    void (*source_free)(zip_source_t *);
    zip_int64_t (*get_num_entries)(zip_t *, zip_flags_t);
    zip_file_t *(*fopen)(zip_t *, const char *, zip_flags_t);
    zip_int64_t (*fread)(zip_file_t *, void *, zip_uint64_t);
    int (*fclose)(zip_file_t *);
    const char *(*file_strerror)(zip_file_t *);
    void (*discard)(zip_t *);
    void (*error_init)(zip_error_t *);
    void (*error_fini)(zip_error_t *);
    const char *(*error_strerror)(zip_error_t *);
    XML_Parser (*parser_create)(const XML_Char *);
    void (*parser_free)(XML_Parser);
    void (*set_user_data)(XML_Parser, void *);
    void (*set_element_handler)(XML_Parser, XML_StartElementHandler,
                                XML_EndElementHandler);
    void (*set_character_data_handler)(XML_Parser, XML_CharacterDataHandler);
    void (*set_start_doctype_decl_handler)(XML_Parser,
                                           XML_StartDoctypeDeclHandler);
    enum XML_Status (*parse)(XML_Parser, const char *, int, int);
    enum XML_Status (*stop_parser)(XML_Parser, XML_Bool);
    enum XML_Error (*get_error_code)(XML_Parser);
    const XML_LChar *(*error_string)(enum XML_Error);
    XML_Size (*get_current_line_number)(XML_Parser);
};

extern struct lu__xlsx_libs lu__xl;

/* Loads both libraries once per process (any thread; the first caller
 * loads, the others wait). 0, or -ENOENT with the reason in err. */
int lu__xlsx_libs_load(char *err, size_t errlen);

#define zip_source_buffer_create lu__xl.source_buffer_create
#define zip_open_from_source lu__xl.open_from_source
#define zip_source_free lu__xl.source_free
#define zip_get_num_entries lu__xl.get_num_entries
#define zip_fopen lu__xl.fopen
#define zip_fread lu__xl.fread
#define zip_fclose lu__xl.fclose
#define zip_file_strerror lu__xl.file_strerror
#define zip_discard lu__xl.discard
#define zip_error_init lu__xl.error_init
#define zip_error_fini lu__xl.error_fini
#define zip_error_strerror lu__xl.error_strerror
#define XML_ParserCreate lu__xl.parser_create
#define XML_ParserFree lu__xl.parser_free
#define XML_SetUserData lu__xl.set_user_data
#define XML_SetElementHandler lu__xl.set_element_handler
#define XML_SetCharacterDataHandler lu__xl.set_character_data_handler
#define XML_SetStartDoctypeDeclHandler lu__xl.set_start_doctype_decl_handler
#define XML_Parse lu__xl.parse
#define XML_StopParser lu__xl.stop_parser
#define XML_GetErrorCode lu__xl.get_error_code
#define XML_ErrorString lu__xl.error_string
#define XML_GetCurrentLineNumber lu__xl.get_current_line_number

#endif
