/* tests/e2e_main.c - main() of a test program: bed, servers, suite */
#include "config.h"

#include <stdio.h>

#include "e2e.h"

int
e2e_suite_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

int
e2e_main(Suite *s, const struct testbed_opts *o, struct testbed **bed,
    int (*setup)(void), int (*teardown)(void))
{
	char errbuf[1024];
	int ret;

	if (testbed_start(o, bed, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "test bed: %s\n", errbuf);
		return 99;
	}
	if (setup != NULL && setup() != 0) {
		fprintf(stderr, "set-up failed\n");
		ret = 99;
	} else
		ret = e2e_suite_run(s) == 0 ? 0 : 1;
	if (teardown != NULL && teardown() != 0 && ret == 0)
		ret = 1;
	testbed_stop(*bed);
	return ret;
}

/* e2e_run's arguments, for its set-up and teardown. */
static struct {
	const char *const *argv;	/* NULL: the demo server */
	const char *const *extra;
	struct testbed **bed;
	struct srvproc *server;
	int *port;
} run;

static int
run_setup(void)
{
	if (run.argv != NULL)
		return e2e_start_port(run.server, run.port, run.argv,
		    "server start");
	return e2e_server_start(run.server, run.port,
	    testbed_server_keytab(*run.bed), run.extra);
}

static int
run_teardown(void)
{
	e2e_server_stop(run.server);
	return 0;
}

int
e2e_run(Suite *s, const struct testbed_opts *o, const char *const *extra,
    struct testbed **bed, struct srvproc *server, int *port)
{
	run.extra = extra;
	run.bed = bed;
	run.server = server;
	run.port = port;
	return e2e_main(s, o, bed, run_setup, run_teardown);
}

int
e2e_run_argv(Suite *s, const struct testbed_opts *o, const char *const *argv,
    struct testbed **bed, struct srvproc *server, int *port)
{
	run.argv = argv;
	return e2e_run(s, o, NULL, bed, server, port);
}
