/* Replays a fuzz target's committed corpus without libFuzzer, so that every
 * ordinary build runs it as a ctest (under the sanitizers in CI). Arguments
 * are corpus directories or single files. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    int r = lu_read_file(path, 16 * 1024 * 1024, &data, &len);

    if (r < 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *de;

        if (d == NULL) {
            failed += run_file(argv[i]) < 0;
            files++;
            continue;
        }
        while ((de = readdir(d)) != NULL) {
            char path[4096];

            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
            failed += run_file(path) < 0;
            files++;
        }
        closedir(d);
    }
    printf("replayed %d inputs\n", files);
    if (files == 0) {
        fprintf(stderr, "no corpus inputs found\n");
        return 1;
    }
    return failed ? 1 : 0;
}
