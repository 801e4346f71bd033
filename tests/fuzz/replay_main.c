/*
 * replay_main.c: runs a libFuzzer target over every file of the directories (or files) given on
 * the command line, for builds without libFuzzer (gcc). Prints one TAP line per input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, int n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        printf("not ok %d - %s: cannot read\n", n, path);
        if (f)
            fclose(f);
        return 1;
    }
    buf = malloc((size_t)len + 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        printf("not ok %d - %s: cannot read\n", n, path);
        free(buf);
        fclose(f);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    free(buf);
    printf("ok %d - %s\n", n, path);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char **paths = NULL;
    size_t npaths = 0;
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot stat %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                paths = realloc(paths, (npaths + 1) * sizeof *paths);
                if (paths == NULL)
                    return 1;
                size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
                paths[npaths] = malloc(len);
                if (paths[npaths] == NULL)
                    return 1;
                snprintf(paths[npaths++], len, "%s/%s", argv[i], e->d_name);
            }
            if (d)
                closedir(d);
        } else {
            paths = realloc(paths, (npaths + 1) * sizeof *paths);
            if (paths == NULL)
                return 1;
            paths[npaths++] = strdup(argv[i]);
        }
    }
    qsort(paths, npaths, sizeof *paths, cmp);
    printf("1..%zu\n", npaths);
    for (size_t i = 0; i < npaths; i++) {
        failed |= replay_file(paths[i], (int)i + 1);
        free(paths[i]);
    }
    free(paths);
    return failed;
}
