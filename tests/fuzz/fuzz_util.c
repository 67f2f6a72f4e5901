/* tests/fuzz/fuzz_util.c - test bed and GSS contexts for the fuzz targets */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>

#include "fuzz.h"
#include "gssname.h"
#include "testbed.h"

#define SERVICE		"demo@localhost"
#define GSS_FLAGS	(GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)
#define MAX_LEGS	4

static struct testbed *bed;

static void
bed_stop(void)
{
	testbed_stop(bed);
	bed = NULL;
}

void
fuzz_bed(void)
{
	char err[1024];

	if (bed != NULL)
		return;
	if (testbed_start(NULL, &bed, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: cannot start the test bed: %s\n", err);
		exit(2);
	}
	atexit(bed_stop);
}

static int
import_target(gss_name_t *out)
{
	return GSS_ERROR(hostbased_name(SERVICE, out)) ? -1 : 0;
}

OM_uint32
fuzz_init_step(gss_ctx_id_t *ictx, gss_buffer_t in, gss_buffer_t out)
{
	gss_name_t target = GSS_C_NO_NAME;
	OM_uint32 maj, min;

	out->length = 0;
	out->value = NULL;
	if (import_target(&target) != 0)
		return GSS_S_FAILURE;
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, ictx, target,
	    gss_mech_krb5, GSS_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
	    in != NULL ? in : GSS_C_NO_BUFFER, NULL, out, NULL, NULL);
	if (GSS_ERROR(maj))
		fprintf(stderr, "fuzz: gss_init_sec_context: major %#x minor "
		    "%u\n", (unsigned)maj, (unsigned)min);
	(void)gss_release_name(&min, &target);
	return maj;
}

int
fuzz_gss_pair(struct secctx *ini, struct secctx *acc)
{
	gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
	OM_uint32 imaj, amaj = GSS_S_CONTINUE_NEEDED, min;
	int leg, ret = -1;

	secctx_init(ini);
	secctx_init(acc);
	ini->mech = acc->mech = (gss_OID)gss_mech_krb5;
	imaj = fuzz_init_step(&ini->gctx, NULL, &itok);
	for (leg = 0; leg < MAX_LEGS && !GSS_ERROR(imaj); leg++) {
		if (itok.length > 0) {
			amaj = gss_accept_sec_context(&min, &acc->gctx,
			    GSS_C_NO_CREDENTIAL, &itok,
			    GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &atok, NULL,
			    NULL, NULL);
			(void)gss_release_buffer(&min, &itok);
			if (GSS_ERROR(amaj))
				break;
		}
		if (imaj == GSS_S_COMPLETE && amaj == GSS_S_COMPLETE) {
			ret = 0;
			break;
		}
		if (imaj == GSS_S_CONTINUE_NEEDED) {
			imaj = fuzz_init_step(&ini->gctx, &atok, &itok);
			(void)gss_release_buffer(&min, &atok);
		}
	}
	(void)gss_release_buffer(&min, &itok);
	(void)gss_release_buffer(&min, &atok);
	if (ret != 0) {
		fprintf(stderr, "fuzz: no initiator/acceptor pair\n");
		secctx_clear(ini);
		secctx_clear(acc);
	}
	return ret;
}

int
fuzz_write_seed(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		ok = 0;
	else {
		ok = n == 0 || write(fd, p, n) == (ssize_t)n;
		ok = close(fd) == 0 && ok;
	}
	if (!ok) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}
