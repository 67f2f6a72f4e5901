/* rpcauth/trace.c - a short debug trace of handshakes and rejections */
/*
 * The one place the library may write to stderr, and only when asked
 * (RPCAUTH_TRACE).  Callers pass lengths and outcomes, never secrets.
 * RPCAUTH_TRACE is read with secure_getenv: a setuid or setgid program
 * (AT_SECURE) takes no orders from the environment of whoever runs it.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcauth.h"
#include "trace.h"

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static int env_on;
static void (*trace_cb)(const char *, void *);
static void *trace_arg;

static void
read_env(void)
{
	const char *v = secure_getenv("RPCAUTH_TRACE");

	env_on = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

int
trace_enabled(void)
{
	int on;

	pthread_once(&env_once, read_env);
	pthread_mutex_lock(&cb_lock);
	on = env_on || trace_cb != NULL;
	pthread_mutex_unlock(&cb_lock);
	return on;
}

void
trace_line(const char *fmt, ...)
{
	void (*cb)(const char *, void *);
	char line[512];
	va_list ap;
	void *arg;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&cb_lock);
	cb = trace_cb;
	arg = trace_arg;
	pthread_mutex_unlock(&cb_lock);
	if (cb != NULL)
		cb(line, arg);
	else
		fprintf(stderr, "rpcauth: %s\n", line);
}

void
rpcauth_set_trace(void (*cb)(const char *line, void *arg), void *arg)
{
	pthread_mutex_lock(&cb_lock);
	trace_cb = cb;
	trace_arg = arg;
	pthread_mutex_unlock(&cb_lock);
}
