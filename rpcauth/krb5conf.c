/* rpcauth/krb5conf.c - keep MIT's parsed krb5.conf alive for the whole process */
/*
 * MIT makes a new krb5 context inside nearly every GSS call (accept, init,
 * localname...).  Its profile library shares the parsed configuration
 * files between live contexts and frees them with the last one, so with no
 * context held between calls every handshake reads and parses krb5.conf
 * several times.  Holding one context for the life of the process keeps
 * the parse: later contexts only stat() the files, and MIT still re-reads
 * a file whose modification time changed.
 */
#include "config.h"

#include <pthread.h>

#include <krb5.h>

#include "internal.h"

static pthread_once_t pin_once = PTHREAD_ONCE_INIT;
static krb5_context pinned;	/* never freed: reachable until exit */

static void
pin(void)
{
	/* Failure costs only speed: every GSS call still works without it. */
	if (krb5_init_context(&pinned) != 0)
		pinned = NULL;
}

void
krb5conf_pin(void)
{
	(void)pthread_once(&pin_once, pin);
}
