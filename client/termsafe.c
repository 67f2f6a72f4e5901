/* client/termsafe.c - server-supplied text written so that it cannot steer a terminal */
#include "config.h"

#include <string.h>

#include "termsafe.h"

/* The escaped form of byte c into e (at most 5 bytes with the NUL). */
static size_t
esc_byte(unsigned char c, char e[5])
{
	static const char hex[] = "0123456789abcdef";

	if (c >= 0x20 && c < 0x7f && c != '\\') {
		e[0] = (char)c;
		e[1] = '\0';
		return 1;
	}
	e[0] = '\\';
	switch (c) {
	case '\\':	e[1] = '\\'; e[2] = '\0'; return 2;
	case '\t':	e[1] = 't'; e[2] = '\0'; return 2;
	case '\n':	e[1] = 'n'; e[2] = '\0'; return 2;
	case '\r':	e[1] = 'r'; e[2] = '\0'; return 2;
	}
	e[1] = 'x';
	e[2] = hex[c >> 4];
	e[3] = hex[c & 0xf];
	e[4] = '\0';
	return 4;
}

size_t
termsafe_escape(char *out, size_t outlen, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i, n, need = 0;
	char e[5];

	for (i = 0; i < len; i++) {
		n = esc_byte(s[i], e);
		if (out != NULL && need + n < outlen)
			memcpy(out + need, e, n);
		else if (out != NULL && need < outlen)
			outlen = need + 1;	/* cut here, never mid-escape */
		need += n;
	}
	if (out != NULL && outlen > 0)
		out[need < outlen ? need : outlen - 1] = '\0';
	return need;
}

void
termsafe_write(FILE *f, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;
	char e[5];

	for (i = 0; i < len; i++) {
		(void)esc_byte(s[i], e);
		fputs(e, f);
	}
}

void
termsafe_puts(FILE *f, const char *s)
{
	if (s != NULL)
		termsafe_write(f, s, strlen(s));
}
