/* server/demofs_proc.c - the DEMOFS procedures called by demofs_prog_1 */
/*
 * rpcgen's dispatch sends whatever a procedure returns and never frees it,
 * so every procedure keeps its result in a static and releases the previous
 * one with xdr_free() when it is called again (one request at a time: the
 * server is single-threaded).  `calls` counts every procedure run except
 * STATS, NULL included; it is bumped first thing, so a call that the
 * library refuses before dispatch is never counted.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demofs.h"
#include "rpcauth/rpcauth.h"
#include "fsops.h"

static uint64_t calls;

/* Errno values from fsops become NFSv3-like statuses. */
static demo_stat
demo_status(int err)
{
	switch (err) {
	case 0:
		return DEMO_OK;
	case FSOPS_ESCAPE:
		return DEMO_ESCAPE;
	case EPERM:
		return DEMO_EPERM;
	case ENOENT:
		return DEMO_ENOENT;
	case EACCES:
	case EROFS:
		return DEMO_EACCES;
	case EEXIST:
		return DEMO_EEXIST;
	case ENOTDIR:
		return DEMO_ENOTDIR;
	case EISDIR:
		return DEMO_EISDIR;
	case EINVAL:
		return DEMO_EINVAL;
	case EFBIG:
		return DEMO_EFBIG;
	case ENOSPC:
	case EDQUOT:
		return DEMO_ENOSPC;
	case ENAMETOOLONG:
		return DEMO_ENAMETOOLONG;
	default:
		return DEMO_EIO;
	}
}

static void
demo_attr_fill(const struct stat *st, demo_attr *a)
{
	if (S_ISREG(st->st_mode))
		a->type = DEMO_REG;
	else if (S_ISDIR(st->st_mode))
		a->type = DEMO_DIR;
	else
		a->type = DEMO_OTHER;
	a->mode = st->st_mode & 07777;
	a->size = (u_quad_t)st->st_size;
	a->mtime = (quad_t)st->st_mtime;
}

/*
 * Who is calling, as rpcauth fixed it when the context was established.
 * mech is the mechanism the client spoke ("spnego" even when SPNEGO
 * negotiated krb5 or NTLM inside); uid is the mapped local account or
 * RPCAUTH_NOBODY.  Strings must be malloc'd (freed with xdr_free).
 */
static void
demo_caller(struct svc_req *req, demo_whoami *who)
{
	struct rpcauth_caller c;

	who->service = 1;		/* RFC 2203 rpc_gss_svc_none */
	who->uid = RPCAUTH_NOBODY;	/* no local account */
	if (rpcauth_svc_caller(req, &c) == 0) {
		who->service = (u_int)c.service;
		who->uid = (u_int)c.uid;	/* RPCAUTH_NOBODY when none */
		who->principal = strdup(c.principal);
		who->mech = strdup(c.mech);
	} else {
		who->principal = strdup("");
		who->mech = strdup("");
	}
}

void *
demofs_null_1_svc(void *argp, struct svc_req *req)
{
	static char res;

	(void)argp;
	(void)req;
	calls++;
	return &res;
}

demo_data *
demofs_echo_1_svc(demo_data *argp, struct svc_req *req)
{
	static demo_data res;

	calls++;
	xdr_free((xdrproc_t)xdr_demo_data, (char *)&res);
	memset(&res, 0, sizeof(res));
	if (argp->demo_data_len == 0)
		return &res;
	/* The dispatch sends nothing for NULL: answer SYSTEM_ERR here. */
	if ((res.demo_data_val = malloc(argp->demo_data_len)) == NULL) {
		svcerr_systemerr(req->rq_xprt);
		return NULL;
	}
	memcpy(res.demo_data_val, argp->demo_data_val, argp->demo_data_len);
	res.demo_data_len = argp->demo_data_len;
	return &res;
}

demo_whoami *
demofs_whoami_1_svc(void *argp, struct svc_req *req)
{
	static demo_whoami res;

	(void)argp;
	calls++;
	xdr_free((xdrproc_t)xdr_demo_whoami, (char *)&res);
	memset(&res, 0, sizeof(res));
	demo_caller(req, &res);
	if (res.principal == NULL || res.mech == NULL) {
		xdr_free((xdrproc_t)xdr_demo_whoami, (char *)&res);
		memset(&res, 0, sizeof(res));
		svcerr_systemerr(req->rq_xprt);
		return NULL;
	}
	return &res;
}

u_quad_t *
demofs_stats_1_svc(void *argp, struct svc_req *req)
{
	static u_quad_t res;

	(void)argp;
	(void)req;
	res = calls;
	return &res;
}

demo_lookup_res *
demofs_lookup_1_svc(demo_lookup_args *argp, struct svc_req *req)
{
	static demo_lookup_res res;
	struct stat st;
	char *path = NULL;
	int err;

	(void)req;
	calls++;
	xdr_free((xdrproc_t)xdr_demo_lookup_res, (char *)&res);
	memset(&res, 0, sizeof(res));
	err = fsops_lookup(argp->dir, argp->name, &path, &st);
	if ((res.status = demo_status(err)) == DEMO_OK) {
		res.demo_lookup_res_u.ok.path = path;
		demo_attr_fill(&st, &res.demo_lookup_res_u.ok.attr);
	}
	return &res;
}

demo_attr_res *
demofs_getattr_1_svc(demo_path *argp, struct svc_req *req)
{
	static demo_attr_res res;
	struct stat st;

	(void)req;
	calls++;
	memset(&res, 0, sizeof(res));
	if ((res.status = demo_status(fsops_getattr(*argp, &st))) == DEMO_OK)
		demo_attr_fill(&st, &res.demo_attr_res_u.attr);
	return &res;
}

demo_read_res *
demofs_read_1_svc(demo_read_args *argp, struct svc_req *req)
{
	static demo_read_res res;
	demo_read_ok *ok = &res.demo_read_res_u.ok;
	size_t count, len;
	char *buf = NULL;
	int eof, err;

	(void)req;
	calls++;
	xdr_free((xdrproc_t)xdr_demo_read_res, (char *)&res);
	memset(&res, 0, sizeof(res));
	count = argp->count < DEMO_MAXREAD ? argp->count : DEMO_MAXREAD;
	/* malloc(0) may return NULL; always ask for at least one byte. */
	if ((buf = malloc(count > 0 ? count : 1)) == NULL) {
		res.status = DEMO_EIO;
		return &res;
	}
	err = fsops_read(argp->path, argp->offset, buf, count, &len, &eof);
	if ((res.status = demo_status(err)) != DEMO_OK) {
		free(buf);
		return &res;
	}
	ok->data.demo_data_val = buf;
	ok->data.demo_data_len = (u_int)len;
	ok->eof = eof ? TRUE : FALSE;
	return &res;
}

demo_write_res *
demofs_write_1_svc(demo_write_args *argp, struct svc_req *req)
{
	static demo_write_res res;
	size_t len;
	int err;

	(void)req;
	calls++;
	memset(&res, 0, sizeof(res));
	err = fsops_write(argp->path, argp->offset, argp->data.demo_data_val,
	    argp->data.demo_data_len, argp->create, &len);
	if ((res.status = demo_status(err)) == DEMO_OK)
		res.demo_write_res_u.count = (u_int)len;
	return &res;
}

demo_readdir_res *
demofs_readdir_1_svc(demo_path *argp, struct svc_req *req)
{
	static demo_readdir_res res;
	struct fsops_dirent *ents = NULL;
	demo_dirent *head = NULL, *e;
	size_t i, n = 0;
	int err;

	(void)req;
	calls++;
	xdr_free((xdrproc_t)xdr_demo_readdir_res, (char *)&res);
	memset(&res, 0, sizeof(res));
	err = fsops_readdir(*argp, &ents, &n);
	if ((res.status = demo_status(err)) != DEMO_OK)
		goto out;
	/* Build the list back to front so that it comes out sorted. */
	for (i = n; i > 0; i--) {
		if ((e = calloc(1, sizeof(*e))) == NULL) {
			res.status = DEMO_EIO;
			goto out;
		}
		e->name = ents[i - 1].name;
		ents[i - 1].name = NULL;
		if (S_ISREG(ents[i - 1].mode))
			e->type = DEMO_REG;
		else if (S_ISDIR(ents[i - 1].mode))
			e->type = DEMO_DIR;
		else
			e->type = DEMO_OTHER;
		e->next = head;
		head = e;
	}
	res.demo_readdir_res_u.entries = head;
	head = NULL;
out:
	if (head != NULL) {
		/* Only reached on failure: free the partial list. */
		demo_readdir_res tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.status = DEMO_OK;
		tmp.demo_readdir_res_u.entries = head;
		xdr_free((xdrproc_t)xdr_demo_readdir_res, (char *)&tmp);
	}
	fsops_dirents_free(ents, n);
	return &res;
}
