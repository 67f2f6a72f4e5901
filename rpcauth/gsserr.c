/* rpcauth/gsserr.c - GSS major/minor status as text, in one place */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gsserr.h"

/* Append every message gss_display_status has for one status value. */
static void
append_status(OM_uint32 code, int type, gss_OID mech, char *buf, size_t len)
{
	OM_uint32 min, msgctx = 0;
	gss_buffer_desc msg;
	size_t used;
	int rounds = 0;

	do {
		msg.length = 0;
		msg.value = NULL;
		if (GSS_ERROR(gss_display_status(&min, code, type, mech,
		    &msgctx, &msg)))
			break;
		used = strlen(buf);
		if (msg.length > 0 && used + 3 < len)
			snprintf(buf + used, len - used, "%s%.*s",
			    used > 0 ? ": " : "", (int)msg.length,
			    (const char *)msg.value);
		(void)gss_release_buffer(&min, &msg);
	} while (msgctx != 0 && ++rounds < 8);
}

void
gsserr_text(OM_uint32 major, OM_uint32 minor, gss_OID mech, char *buf,
    size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (major != GSS_S_COMPLETE)
		append_status(major, GSS_C_GSS_CODE, GSS_C_NO_OID, buf, len);
	if (minor != 0)
		append_status(minor, GSS_C_MECH_CODE, mech, buf, len);
	if (buf[0] == '\0')
		snprintf(buf, len, "GSS major 0x%x, minor %u",
		    (unsigned)major, (unsigned)minor);
}

int
gsserr_set(struct rpcauth_err *err, const char *what, OM_uint32 major,
    OM_uint32 minor, gss_OID mech)
{
	char text[512];

	gsserr_text(major, minor, mech, text, sizeof(text));
	return rpcauth_err_set(err, RPCAUTH_E_GSS, "%s: %s", what, text);
}
