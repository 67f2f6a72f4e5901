/* rpcauth/rename.h - the private prefix for every internal global name */
/*
 * Internal functions and variables shared between the library's files are
 * global symbols: the shared library hides them (-fvisibility=hidden and
 * the export list rpcauth/rpcauth.sym), but librpcauth.a and the test
 * library librpcauth_core.la carry them as they are.  Names like clnt_*,
 * svc_*, xdr_* and k5_* belong to libtirpc and MIT krb5, so a program
 * linking the static archive could meet a clash (MIT needed gssrpc/rename.h
 * for the same reason).  The sources keep their short names; this header,
 * included through rpcauth/internal.h or directly by each internal header,
 * maps them to one private prefix, rpcauthint_ (docs/ABI.md).
 *
 * Hand-kept and sorted.  tests/exports.sh fails, naming the symbol, when a
 * new global is missing here: add it, or make it static when one file
 * uses it.  Only names defined in rpcauth/ belong here.
 */
#ifndef RPCAUTH_RENAME_H
#define RPCAUTH_RENAME_H

#define abi_client_opts_import		rpcauthint_abi_client_opts_import
#define abi_copy_out			rpcauthint_abi_copy_out
#define abi_svc_opts_import		rpcauthint_abi_svc_opts_import
#define ccmirror_cred			rpcauthint_ccmirror_cred
#define ccmirror_get			rpcauthint_ccmirror_get
#define ccmirror_put			rpcauthint_ccmirror_put
#define clnt_auth_stat_name		rpcauthint_clnt_auth_stat_name
#define clnt_cred_write			rpcauthint_clnt_cred_write
#define clnt_ctx_clear			rpcauthint_clnt_ctx_clear
#define clnt_explain_rejection		rpcauthint_clnt_explain_rejection
#define clnt_handshake			rpcauthint_clnt_handshake
#define clnt_install			rpcauthint_clnt_install
#define clnt_mech_check			rpcauthint_clnt_mech_check
#define clnt_name_string		rpcauthint_clnt_name_string
#define clnt_names_drop			rpcauthint_clnt_names_drop
#define clnt_names_keep			rpcauthint_clnt_names_keep
#define clnt_now_ms			rpcauthint_clnt_now_ms
#define clnt_op_anyverf		rpcauthint_clnt_op_anyverf
#define clnt_op_nextverf		rpcauthint_clnt_op_nextverf
#define clnt_op_nodestroy		rpcauthint_clnt_op_nodestroy
#define clnt_op_norefresh		rpcauthint_clnt_op_norefresh
#define clnt_op_plain		rpcauthint_clnt_op_plain
#define clnt_peer_capture		rpcauthint_clnt_peer_capture
#define clnt_refresh			rpcauthint_clnt_refresh
#define clnt_refusal_error	rpcauthint_clnt_refusal_error
#define clnt_renew			rpcauthint_clnt_renew
#define clnt_renew_confirmed		rpcauthint_clnt_renew_confirmed
#define clnt_renew_due			rpcauthint_clnt_renew_due
#define clnt_renew_init			rpcauthint_clnt_renew_init
#define clnt_renew_later		rpcauthint_clnt_renew_later
#define clnt_retire			rpcauthint_clnt_retire
#define clnt_rpc_error			rpcauthint_clnt_rpc_error
#define clnt_service_name		rpcauthint_clnt_service_name
#define cred_decode			rpcauthint_cred_decode
#define cred_encode			rpcauthint_cred_encode
#define ctxcache_count			rpcauthint_ctxcache_count
#define ctxcache_count_from		rpcauthint_ctxcache_count_from
#define ctxcache_count_half_open	rpcauthint_ctxcache_count_half_open
#define ctxcache_create			rpcauthint_ctxcache_create
#define ctxcache_create_from		rpcauthint_ctxcache_create_from
#define ctxcache_established		rpcauthint_ctxcache_established
#define ctxcache_find			rpcauthint_ctxcache_find
#define ctxcache_find_est		rpcauthint_ctxcache_find_est
#define ctxcache_free			rpcauthint_ctxcache_free
#define ctxcache_max_per_source		rpcauthint_ctxcache_max_per_source
#define ctxcache_new			rpcauthint_ctxcache_new
#define ctxcache_put			rpcauthint_ctxcache_put
#define ctxcache_remove			rpcauthint_ctxcache_remove
#define databody_split			rpcauthint_databody_split
#define failover_auth_error		rpcauthint_failover_auth_error
#define failover_auth_info		rpcauthint_failover_auth_info
#define failover_owns			rpcauthint_failover_owns
#define gsserr_cause			rpcauthint_gsserr_cause
#define gsserr_fix			rpcauthint_gsserr_fix
#define gsserr_set			rpcauthint_gsserr_set
#define gsserr_text			rpcauthint_gsserr_text
#define hdrmic_build			rpcauthint_hdrmic_build
#define hdrmic_parse			rpcauthint_hdrmic_parse
#define hmacpad_finish			rpcauthint_hmacpad_finish
#define hmacpad_free			rpcauthint_hmacpad_free
#define hmacpad_new			rpcauthint_hmacpad_new
#define hmacpad_run			rpcauthint_hmacpad_run
#define hmacpad_start			rpcauthint_hmacpad_start
#define hmacpad_update			rpcauthint_hmacpad_update
#define idmap_account			rpcauthint_idmap_account
#define idmap_lookup			rpcauthint_idmap_lookup
#define idmap_lookup_ntlm		rpcauthint_idmap_lookup_ntlm
#define idmap_ntlm_canonical		rpcauthint_idmap_ntlm_canonical
#define idmap_set_nss			rpcauthint_idmap_set_nss
#define init_res_decode			rpcauthint_init_res_decode
#define init_res_encode			rpcauthint_init_res_encode
#define init_res_size			rpcauthint_init_res_size
#define integ_body_encode		rpcauthint_integ_body_encode
#define integ_body_parse		rpcauthint_integ_body_parse
#define integ_body_size			rpcauthint_integ_body_size
#define k5_checksum			rpcauthint_k5_checksum
#define k5_checksum_check		rpcauthint_k5_checksum_check
#define k5_checksum_finish		rpcauthint_k5_checksum_finish
#define k5_checksum_start		rpcauthint_k5_checksum_start
#define k5_cts_raw			rpcauthint_k5_cts_raw
#define k5_decrypt			rpcauthint_k5_decrypt
#define k5_derive			rpcauthint_k5_derive
#define k5_encrypt			rpcauthint_k5_encrypt
#define k5_enctype_keylen		rpcauthint_k5_enctype_keylen
#define k5_key_cksum_len		rpcauthint_k5_key_cksum_len
#define k5_key_free			rpcauthint_k5_key_free
#define k5_key_new			rpcauthint_k5_key_new
#define k5_nfold			rpcauthint_k5_nfold
#define k5_verify_checksum		rpcauthint_k5_verify_checksum
#define k5ctx_enctype			rpcauthint_k5ctx_enctype
#define k5ctx_free			rpcauthint_k5ctx_free
#define k5ctx_new			rpcauthint_k5ctx_new
#define k5tok_get_mic			rpcauthint_k5tok_get_mic
#define k5tok_mic_begin			rpcauthint_k5tok_mic_begin
#define k5tok_mic_check			rpcauthint_k5tok_mic_check
#define k5tok_mic_len			rpcauthint_k5tok_mic_len
#define k5tok_mic_make			rpcauthint_k5tok_mic_make
#define k5tok_unwrap			rpcauthint_k5tok_unwrap
#define k5tok_verify_mic		rpcauthint_k5tok_verify_mic
#define k5tok_wrap			rpcauthint_k5tok_wrap
#define k5tok_wrap_len			rpcauthint_k5tok_wrap_len
#define krb5conf_pin			rpcauthint_krb5conf_pin
#define lucid_export			rpcauthint_lucid_export
#define mech_bit			rpcauthint_mech_bit
#define mech_by_name			rpcauthint_mech_by_name
#define mech_fastpath		rpcauthint_mech_fastpath
#define mech_has_mutual			rpcauthint_mech_has_mutual
#define mech_name			rpcauthint_mech_name
#define mech_names		rpcauthint_mech_names
#define mech_of_bit			rpcauthint_mech_of_bit
#define mech_of_token			rpcauthint_mech_of_token
#define mech_package		rpcauthint_mech_package
#define mech_set_installed		rpcauthint_mech_set_installed
#define mech_set_oids			rpcauthint_mech_set_oids
#define mech_set_parse			rpcauthint_mech_set_parse
#define mech_spnego_inner	rpcauthint_mech_spnego_inner
#define priv_body_parse			rpcauthint_priv_body_parse
#define protect_decode			rpcauthint_protect_decode
#define protect_encode			rpcauthint_protect_encode
#define protect_err_set	rpcauthint_protect_err_set
#define protect_read_opaque		rpcauthint_protect_read_opaque
#define protect_strerror		rpcauthint_protect_strerror
#define rpcauth_err_set			rpcauthint_err_set
#define rpcauth_zfree			rpcauthint_zfree
#define scratch_discard			rpcauthint_scratch_discard
#define scratch_release			rpcauthint_scratch_release
#define scratch_reserve			rpcauthint_scratch_reserve
#define scratch_take			rpcauthint_scratch_take
#define scratch_thread			rpcauthint_scratch_thread
#define scratch_trim			rpcauthint_scratch_trim
#define secctx_accel			rpcauthint_secctx_accel
#define secctx_accel_cancel		rpcauthint_secctx_accel_cancel
#define secctx_accel_later		rpcauthint_secctx_accel_later
#define secctx_accept			rpcauthint_secctx_accept
#define secctx_check_call		rpcauthint_secctx_check_call
#define secctx_clear			rpcauthint_secctx_clear
#define secctx_get_mic			rpcauthint_secctx_get_mic
#define secctx_get_mic_into		rpcauthint_secctx_get_mic_into
#define secctx_init			rpcauthint_secctx_init
#define secctx_mic_abandon		rpcauthint_secctx_mic_abandon
#define secctx_mic_begin		rpcauthint_secctx_mic_begin
#define secctx_mic_check		rpcauthint_secctx_mic_check
#define secctx_mic_feed			rpcauthint_secctx_mic_feed
#define secctx_mic_make			rpcauthint_secctx_mic_make
#define secctx_replace			rpcauthint_secctx_replace
#define secctx_unwrap			rpcauthint_secctx_unwrap
#define secctx_unwrap_into		rpcauthint_secctx_unwrap_into
#define secctx_verify_mic		rpcauthint_secctx_verify_mic
#define secctx_with_lock		rpcauthint_secctx_with_lock
#define secctx_wrap			rpcauthint_secctx_wrap
#define secctx_wrap_into		rpcauthint_secctx_wrap_into
#define seqwin_check			rpcauthint_seqwin_check
#define seqwin_init			rpcauthint_seqwin_init
#define seqwin_record			rpcauthint_seqwin_record
#define svc_acceptor_for		rpcauthint_svc_acceptor_for
#define svc_caller_authorize_call	rpcauthint_svc_caller_authorize_call
#define svc_caller_establish		rpcauthint_svc_caller_establish
#define svc_g				rpcauthint_svc_g
#define svc_handler			rpcauthint_svc_handler
#define svc_log				rpcauthint_svc_log
#define svc_log_enabled			rpcauthint_svc_log_enabled
#define svc_log_flavor			rpcauthint_svc_log_flavor
#define svc_peer_key			rpcauthint_svc_peer_key
#define svc_priv_dispatch		rpcauthint_svc_priv_dispatch
#define svc_reqstate_get		rpcauthint_svc_reqstate_get
#define svc_set_verf_mic		rpcauthint_svc_set_verf_mic
#define svc_unauth_for			rpcauthint_svc_unauth_for
#define trace_enabled			rpcauthint_trace_enabled
#define trace_line			rpcauthint_trace_line
#define xdr_init_arg			rpcauthint_xdr_init_arg
#define xdr_init_res			rpcauthint_xdr_init_res
#define xdr_nothing			rpcauthint_xdr_nothing
#define xdr_opaque_msg_decode		rpcauthint_xdr_opaque_msg_decode
#define xdr_opaque_msg_encode		rpcauthint_xdr_opaque_msg_encode
#define xdr_opaque_msg_size		rpcauthint_xdr_opaque_msg_size
#define xdr_rd_done			rpcauthint_xdr_rd_done
#define xdr_rd_fixed			rpcauthint_xdr_rd_fixed
#define xdr_rd_init			rpcauthint_xdr_rd_init
#define xdr_rd_ok			rpcauthint_xdr_rd_ok
#define xdr_rd_opaque			rpcauthint_xdr_rd_opaque
#define xdr_rd_remaining		rpcauthint_xdr_rd_remaining
#define xdr_rd_u32			rpcauthint_xdr_rd_u32
#define xdr_wr_fixed			rpcauthint_xdr_wr_fixed
#define xdr_wr_init			rpcauthint_xdr_wr_init
#define xdr_wr_ok			rpcauthint_xdr_wr_ok
#define xdr_wr_opaque			rpcauthint_xdr_wr_opaque
#define xdr_wr_result			rpcauthint_xdr_wr_result
#define xdr_wr_u32			rpcauthint_xdr_wr_u32
#define xdrstream_put		rpcauthint_xdrstream_put
#define xdrstream_put_opaque	rpcauthint_xdrstream_put_opaque
#define xdrstream_read_opaque	rpcauthint_xdrstream_read_opaque
#define xdrstream_read_opaque_tap	rpcauthint_xdrstream_read_opaque_tap
#define xdrstream_read_u32	rpcauthint_xdrstream_read_u32
#define xdrtap_create			rpcauthint_xdrtap_create
#define xdrtap_finish			rpcauthint_xdrtap_finish

#endif /* RPCAUTH_RENAME_H */
