/* placeholder */
#ifndef RPCAUTH_KRB5_TOKEN_H
#define RPCAUTH_KRB5_TOKEN_H
#endif
