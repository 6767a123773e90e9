/* Fuzzes the bulletin decoders. A peer hub pushes signed bulletins and
 * luyuctl bulletin verify reads files, so any bytes must give either a
 * SignedBulletin that keeps ledger_bulletin_sign_parse()'s promises or NULL
 * with a reason. A fuzzed signature never verifies, so the payload is then
 * unpacked and checked directly, as the verifier does after a valid
 * signature: it either passes ledger_bulletin_sign_check(), and then renders
 * as valid UTF-8 JSON without tripping the sanitizers, or is refused with a
 * reason. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletin_json.h"
#include "bulletin_sign.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_payload(const Luyu__SignedBulletin *sb)
{
    Luyu__Bulletin *b =
        luyu__bulletin__unpack(NULL, sb->payload.len, sb->payload.data);
    char err[512] = "";
    struct lu_buf out;

    if (b == NULL)
        return;
    lu_buf_init(&out);
    if (ledger_bulletin_sign_check(b, err, sizeof(err)) == 0) {
        ledger_bulletin_json(b, &out);
        if (!lu_utf8_valid(out.data, out.len))
            abort();
    } else if (err[0] == '\0') {
        abort();
    }
    lu_buf_free(&out);
    ledger_bulletin_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* All zeros is a small-order point, which libsodium never accepts. */
    static const uint8_t key[LU_SIGN_PUBLIC_BYTES];
    Luyu__SignedBulletin *sb;
    Luyu__Bulletin *b = NULL;
    char err[512] = "";

    sb = ledger_bulletin_sign_parse(data, size, err, sizeof(err));
    if (sb == NULL) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    if (sb->signature.len != LU_SIGN_BYTES || !lu_code_valid(sb->signer) ||
        sb->payload.len == 0)
        abort();
    if (ledger_bulletin_sign_verify(sb, key, &b, err, sizeof(err)) == 0)
        abort();
    check_payload(sb);
    luyu__signed_bulletin__free_unpacked(sb, NULL);
    return 0;
}
