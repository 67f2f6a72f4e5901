/* placeholder */
#ifndef RPCAUTH_LUCID_H
#define RPCAUTH_LUCID_H
#endif
