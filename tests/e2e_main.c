/* tests/e2e_main.c - main() of an end-to-end test program: bed, demo server, suite */
#include "config.h"

#include <stdio.h>

#include "e2e.h"

int
e2e_run(Suite *s, const struct testbed_opts *o, const char *const *extra,
    struct testbed **bed, struct srvproc *server, int *port)
{
	char errbuf[1024];
	SRunner *sr;
	int failed, st;

	if (testbed_start(o, bed, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "test bed: %s\n", errbuf);
		return 99;
	}
	if (e2e_server_start(server, port, testbed_server_keytab(*bed),
	    extra) != 0) {
		testbed_stop(*bed);
		return 99;
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	srvproc_stop(server, 5000, &st);
	testbed_stop(*bed);
	return failed == 0 ? 0 : 1;
}
