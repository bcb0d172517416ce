#include "err.h"

#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	text_utf8_cut(err->msg);
	return code;
}

int
err_prefix(struct err *err, const char *fmt, ...)
{
	char pre[512];
	size_t plen, mlen, cap = sizeof(err->msg) - 1;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	plen = n < 0 ? 0 : strlen(pre);
	if (plen + 2 > cap)
		plen = cap - 2;
	/* Shift the old message right and put "pre: " in front; cut the
	 * old message if the two do not fit. */
	mlen = strlen(err->msg);
	if (plen + 2 + mlen > cap)
		mlen = cap - plen - 2;
	memmove(err->msg + plen + 2, err->msg, mlen);
	memcpy(err->msg, pre, plen);
	err->msg[plen] = ':';
	err->msg[plen + 1] = ' ';
	err->msg[plen + 2 + mlen] = '\0';
	text_utf8_cut(err->msg);
	return err->code;
}

void
err_clear(struct err *err)
{
	err->code = ERR_OK;
	err->msg[0] = '\0';
}

const char *
err_code_name(int code)
{
	switch (code) {
	case ERR_OK:
		return "ok";
	case ERR_MALFORMED:
		return "malformed";
	case ERR_LIMIT:
		return "over a limit";
	case ERR_NOT_AGGREGATE:
		return "not an aggregate report";
	case ERR_IO:
		return "i/o error";
	case ERR_USAGE:
		return "usage";
	case ERR_SINK:
		return "output error";
	case ERR_DB:
		return "database error";
	}
	return "error";
}
