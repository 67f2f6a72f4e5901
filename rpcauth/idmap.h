/* placeholder */
#ifndef RPCAUTH_IDMAP_H
#define RPCAUTH_IDMAP_H
#endif
