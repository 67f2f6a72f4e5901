/* tests/hints_filter.c - run lines through the tools' hint tables (client/hints.c) */
/*
 * hints_filter client|server < messages: each line as the tools would
 * print it.  tests/tool_messages.sh feeds it the library's messages and
 * looks for C names left in the output.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"

int
main(int argc, char **argv)
{
	const struct hint *table;
	char line[8192], *out;
	size_t n;

	if (argc != 2 || (strcmp(argv[1], "client") != 0 &&
	    strcmp(argv[1], "server") != 0)) {
		fprintf(stderr, "usage: hints_filter client|server\n");
		return 2;
	}
	table = strcmp(argv[1], "client") == 0 ? hints_client : hints_server;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((out = hints_apply(table, line)) == NULL) {
			fprintf(stderr, "hints_filter: out of memory\n");
			return 1;
		}
		printf("%s\n", out);
		free(out);
	}
	return ferror(stdin) || fflush(stdout) == EOF ? 1 : 0;
}
