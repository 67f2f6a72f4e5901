/* client/termsafe.h - server-supplied text written so that it cannot steer a terminal */
#ifndef RPCAUTH_CLIENT_TERMSAFE_H
#define RPCAUTH_CLIENT_TERMSAFE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Printable ASCII (0x20-0x7e) goes out as it is, a backslash as "\\",
 * tab, newline and carriage return as "\t", "\n", "\r", and every other
 * byte (C0 and C1 controls, DEL, anything above 0x7f) as "\xHH": no
 * escape sequence, cursor move or title change from a server reaches the
 * terminal, and the text stays one line.
 */
void	termsafe_write(FILE *f, const void *p, size_t len);
void	termsafe_puts(FILE *f, const char *s);	/* NULL prints nothing */
/* The same into out (always NUL-terminated, cut at a whole escape);
 * returns the length the whole text would need, as snprintf. */
size_t	termsafe_escape(char *out, size_t outlen, const void *p, size_t len);

#endif
