/* placeholder */
#ifndef RPCAUTH_KRB5_CRYPTO_H
#define RPCAUTH_KRB5_CRYPTO_H
#endif
