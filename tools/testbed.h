/* tools/testbed.h - a private MIT KDC in a temporary directory, for tests */
/*
 * testbed_start() makes a fresh directory, writes krb5.conf and kdc.conf
 * there, creates the realm RPCAUTH.TEST, the user alice@RPCAUTH.TEST
 * (user.keytab, and a ticket in `ccache` unless no_ccache) and the service
 * demo/localhost@RPCAUTH.TEST (server.keytab), and runs krb5kdc on
 * 127.0.0.1 at a free port, UDP and TCP.  It points this process's
 * environment at those files (see below), so neither the krb5 library nor
 * the tools read or write anything under /etc, /tmp/krb5cc_* or /var/tmp.
 *
 * Environment set by testbed_start() and put back by testbed_stop():
 *	KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5RCACHEDIR	always;
 *	KRB5CCNAME, KRB5_KTNAME, KRB5_CLIENT_KTNAME	unless opts->no_env
 *	(krb5.conf names the same files as defaults anyway);
 *	KRB5_CLIENT_KTNAME unset instead			if opts->no_client_keytab;
 *	NTLM_USER_FILE					if opts->ntlm_user_file.
 * With two beds alive at once, the environment is the last one started.
 *
 * Nothing is left behind, even if the process is killed with SIGKILL: a
 * guardian process, forked at start, reads from a socket pair whose other
 * end only this process holds (close-on-exec, so the KDC and the tools
 * never hold it; a socket rather than a pipe so that writing to a dead
 * guardian cannot raise SIGPIPE).  When the read returns 0 the guardian
 * kills the KDC and removes the directory.  A fork(2)ed child (Check's
 * fork mode) shares our end; the read returns 0 only once every holder has
 * closed it, so a child that ends does not trigger the cleanup: only the
 * end of the starting process (or testbed_stop()) does.
 *
 * The helpers fork: call them from a single-threaded process.
 */
#ifndef RPCAUTH_TESTS_TESTBED_H
#define RPCAUTH_TESTS_TESTBED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TESTBED_REALM	"RPCAUTH.TEST"

struct testbed;				/* opaque; testbed_start() / _stop() */

/* All zero (or a NULL pointer) means the defaults. */
struct testbed_opts {
	/* Longest ticket the KDC issues and kinit asks for; 0 means 10 h. */
	unsigned int	 ticket_lifetime_s;
	/* krb5.conf clockskew for the library and the KDC; 0: 300 s. */
	unsigned int	 clockskew_s;
	/* Also write wrong.keytab: demo/localhost with the real kvno and
	 * enctypes but other random keys. */
	bool		 wrong_key_keytab;
	/* Write ntlm_users (gss-ntlmssp: DOMAIN:USER:PASSWORD) with
	 * RPCAUTH:alice and set NTLM_USER_FILE. */
	bool		 ntlm_user_file;
	/* NULL-terminated service principals ("other/localhost", realm
	 * optional) to add to server.keytab too; may be NULL. */
	const char *const *extra_principals;
	/* Do not get a ticket for alice into the ccache. */
	bool		 no_ccache;
	/* Leave KRB5CCNAME, KRB5_KTNAME, KRB5_CLIENT_KTNAME alone. */
	bool		 no_env;
	/* No client keytab: krb5.conf's default_client_keytab_name names a
	 * file that never exists and KRB5_CLIENT_KTNAME is unset (unless
	 * no_env), so that once the ccache is destroyed the client really has
	 * no credentials (MIT would otherwise get a new ticket from
	 * user.keytab by itself).  rpcauth-testbed sets it unless asked for
	 * --user-keytab. */
	bool		 no_client_keytab;
};

/*
 * Start a bed.  `opts` (may be NULL) is read only during the call.  Takes
 * about 0.2 s.  Returns 0 and *out, which the caller releases with
 * testbed_stop(); or -1 with a message in errbuf (the tail of the tools'
 * log when a tool failed) and nothing left behind.
 */
int	testbed_start(const struct testbed_opts *opts, struct testbed **out,
	    char *errbuf, size_t errlen);

/*
 * Kill the KDC, remove the directory, restore the environment, free tb.
 * NULL is fine.  In a process forked from the one that started the bed,
 * this only frees that process's copy and leaves the bed running.
 */
void	testbed_stop(struct testbed *tb);

/*
 * Add the principal `name` (realm optional) with a random key and write
 * its keys to keytab_path (NULL: server.keytab).  Returns 0, or -1 with
 * testbed_errmsg() saying why.
 */
int	testbed_add_principal(struct testbed *tb, const char *name,
	    const char *keytab_path);

/*
 * Give the principal `name` (realm optional) the session key enctypes
 * `enctypes` ("aes256-cts-hmac-sha384-192", comma-separated for several):
 * the KDC then issues tickets for it with a session key of the first of
 * them the client asks for (MIT's session_enctypes string attribute), while
 * its long-term keys, and so the ticket's encryption, stay as they are.
 * Returns 0, or -1 with testbed_errmsg() saying why; kadmin.local exits 0
 * when the query itself fails, so a principal that does not exist is not
 * noticed here (look at the ticket, as check_testbed does).
 */
int	testbed_set_session_enctypes(struct testbed *tb, const char *name,
	    const char *enctypes);

/* kinit alice from user.keytab into the ccache again.  0 or -1 (errmsg). */
int	testbed_kinit(struct testbed *tb);

/* The last error from testbed_add_principal() or testbed_kinit(). */
const char	*testbed_errmsg(const struct testbed *tb);

/*
 * Getters.  Strings are owned by tb and valid until testbed_stop().  File
 * names are plain paths; testbed_ccache_name() has the FILE: prefix.
 */
const char	*testbed_dir(const struct testbed *tb);
int		 testbed_port(const struct testbed *tb);
pid_t		 testbed_kdc_pid(const struct testbed *tb);
const char	*testbed_realm(const struct testbed *tb);
const char	*testbed_krb5_conf(const struct testbed *tb);
const char	*testbed_kdc_conf(const struct testbed *tb);
const char	*testbed_server_keytab(const struct testbed *tb);
const char	*testbed_user_keytab(const struct testbed *tb);
const char	*testbed_ccache(const struct testbed *tb);
const char	*testbed_ccache_name(const struct testbed *tb);
/* "alice@RPCAUTH.TEST" */
const char	*testbed_user_principal(const struct testbed *tb);
/* "demo@localhost", GSS_C_NT_HOSTBASED_SERVICE form */
const char	*testbed_service(const struct testbed *tb);
/* "demo/localhost@RPCAUTH.TEST" */
const char	*testbed_service_principal(const struct testbed *tb);
/* NULL unless opts->wrong_key_keytab. */
const char	*testbed_wrong_keytab(const struct testbed *tb);
/* NULL unless opts->ntlm_user_file; the password is alice's. */
const char	*testbed_ntlm_user_file(const struct testbed *tb);
const char	*testbed_ntlm_password(const struct testbed *tb);

#endif
