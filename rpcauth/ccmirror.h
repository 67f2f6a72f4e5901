/* rpcauth/ccmirror.h - the default FILE ccache, copied to memory for handshakes */
#ifndef RPCAUTH_CCMIRROR_H
#define RPCAUTH_CCMIRROR_H

#include "rename.h"

#include <gssapi/gssapi.h>

struct ccmirror;

/*
 * A reference to an initiator credential over a memory copy of the
 * default ccache, when that is a FILE ccache holding a TGT valid for at
 * least another minute; NULL otherwise (then use the default credential,
 * as before).  The copy is remade when the file changes (kinit, kdestroy,
 * renewal), so it never serves tickets the file no longer has.
 * RPCAUTH_CCACHE_MIRROR=0 in the environment turns it off.  NULL too
 * wherever MIT's default credential, for the calling thread, might not be
 * that very ticket (per-thread ccache name, ~/.k5identity, ccselect
 * plugins): the copy never changes the client's identity.
 */
struct ccmirror	*ccmirror_get(void);
gss_cred_id_t	 ccmirror_cred(const struct ccmirror *m);
/* Done with it: tickets fetched into the copy are stored in the file. */
void		 ccmirror_put(struct ccmirror *m);

#endif
