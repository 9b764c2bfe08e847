/* driver.c - run libFuzzer targets without libFuzzer: each argument is an
 * input file or a directory of them (taken in name order), each input goes
 * once through LLVMFuzzerTestOneInput, after LLVMFuzzerInitialize when the
 * target has one.  Built with the test build's sanitizers, this replays the
 * seeds and every input that once crashed (fuzz/regress/NAME) in
 * `make test`.  Prints the input before running it, so a crash names it;
 * exit 0 when every input ran, 2 when one could not be read. */
#include "fuzz_common.h"

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data;
	size_t n;

	if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "driver: cannot read '%s'\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	/* exactly the input's size, so ASan sees a read past its end */
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data)
		abort();
	n = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	fprintf(stderr, "driver: running %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	int i, bad = 0, ran = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **ents;
		int n, k;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			n = scandir(argv[i], &ents, NULL, by_name);
			if (n < 0) {
				fprintf(stderr, "driver: cannot list '%s'\n", argv[i]);
				bad = 1;
				continue;
			}
			for (k = 0; k < n; k++) {
				char path[4096];

				if (ents[k]->d_name[0] != '.') {
					snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
					if (run_file(path) < 0)
						bad = 1;
					else
						ran++;
				}
				free(ents[k]);
			}
			free(ents);
		} else if (run_file(argv[i]) < 0) {
			bad = 1;
		} else {
			ran++;
		}
	}
	printf("driver: %d inputs ran\n", ran);
	return bad ? 2 : 0;
}
