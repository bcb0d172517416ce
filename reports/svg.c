#include "svg.h"

#include "percent.h"
#include "present.h"
#include "text.h"

#include <string.h>

/* The frame of the time charts: margins around the plot area. */
#define TIME_H 200
#define MARGIN_L 48
#define MARGIN_R 10
#define MARGIN_T 28
#define MARGIN_B 24
#define PLOT_W (SVG_WIDTH - MARGIN_L - MARGIN_R)
#define PLOT_H (TIME_H - MARGIN_T - MARGIN_B)
/* Room for one x label ("11-04" and some air). */
#define LABEL_W 56
/* Above this many slots, points and tooltips would only add bulk. */
#define MAX_MARKS 62

/* Horizontal bars: row height, label column, room for the value. */
#define ROW_H 22
#define HBAR_LABEL_W 236
#define HBAR_VALUE_W 76
#define HBAR_LABEL_CHARS 36

enum glyph { KEEP, DROP, SPACE, INVALID };

/* Classifies the character at p (avail bytes left) and says how many bytes
 * it takes.  Control characters and bidirectional overrides can change
 * what a reader sees; U+FFFE/U+FFFF are not XML characters. */
static size_t
glyph_at(const unsigned char *p, size_t avail, enum glyph *g)
{
	size_t n = utf8_seq_len(p, avail);

	*g = KEEP;
	if (n == 0) {
		*g = INVALID;
		return 1;
	}
	if (n == 1 && (p[0] == '\t' || p[0] == '\n' || p[0] == '\r'))
		*g = SPACE;
	else if (n == 1 && (p[0] < 0x20 || p[0] == 0x7f))
		*g = DROP;
	else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		*g = DROP;
	else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
	    p[2] <= 0xae)
		*g = DROP;
	else if (n == 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
	    p[2] <= 0xa9)
		*g = DROP;
	else if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		*g = DROP;
	return n;
}

/* Characters svg_escape() would write for s, dropped ones not counted. */
static size_t
visible_chars(const unsigned char *p, size_t len)
{
	size_t count = 0, i = 0, n;
	enum glyph g;

	while (i < len) {
		n = glyph_at(p + i, len - i, &g);
		if (g != DROP)
			count++;
		i += n;
	}
	return count;
}

void
svg_escape(FILE *fp, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, n, written = 0, limit = (size_t)-1;
	enum glyph g;

	if (s == NULL)
		return;
	len = strlen(s);
	if (max_chars > 0 && visible_chars(p, len) > max_chars)
		limit = max_chars - 1;
	while (i < len) {
		n = glyph_at(p + i, len - i, &g);
		if (g != DROP && written == limit) {
			fputs("\xe2\x80\xa6", fp); /* U+2026 ellipsis */
			return;
		}
		switch (g) {
		case DROP:
			break;
		case SPACE:
			fputc(' ', fp);
			break;
		case INVALID:
			fputc('?', fp);
			break;
		case KEEP:
			switch (p[i]) {
			case '&':
				fputs("&amp;", fp);
				break;
			case '<':
				fputs("&lt;", fp);
				break;
			case '>':
				fputs("&gt;", fp);
				break;
			case '"':
				fputs("&quot;", fp);
				break;
			case '\'':
				fputs("&#39;", fp);
				break;
			default:
				fwrite(p + i, 1, n, fp);
			}
			break;
		}
		if (g != DROP)
			written++;
		i += n;
	}
}

void
svg_compact(char *buf, size_t bufsz, double v)
{
	static const char units[] = "kMGTPEZY";
	int u = -1;

	if (!(v > 0)) /* zero, negative, NaN */
		v = 0;
	while (v >= 999.5 && u < (int)sizeof(units) - 2) {
		v /= 1000;
		u++;
	}
	if (u < 0) {
		snprintf(buf, bufsz, "%.0f", v);
	} else if (v < 9.95) {
		/* One decimal, left out when it is 0: "1.5k", "2M". */
		long tenths = (long)(v * 10 + 0.5);

		if (tenths % 10 != 0)
			snprintf(buf, bufsz, "%ld.%ld%c", tenths / 10,
			    tenths % 10, units[u]);
		else
			snprintf(buf, bufsz, "%ld%c", tenths / 10, units[u]);
	} else {
		snprintf(buf, bufsz, "%.0f%c", v, units[u]);
	}
}

/* A count with thousands separators below a million, compact above. */
static void
count_text(char *buf, size_t bufsz, uint64_t v)
{
	if (v >= 1000000) {
		svg_compact(buf, bufsz, (double)v);
		return;
	}
	if (v >= 1000)
		snprintf(buf, bufsz, "%u,%03u", (unsigned)(v / 1000),
		    (unsigned)(v % 1000));
	else
		snprintf(buf, bufsz, "%u", (unsigned)v);
}

/* A coordinate with one decimal, finite and bounded, never "-0.0". */
static void
num(FILE *fp, double v)
{
	if (!(v > -100000.0 && v < 100000.0)) /* also NaN */
		v = v > 0 ? 100000.0 : 0.0;
	if (v > -0.05 && v < 0.05)
		v = 0.0;
	fprintf(fp, "%.1f", v);
}

/* v as a share of top, 0..1, whatever the values. */
static double
share(double v, double top)
{
	double r;

	if (!(top > 0) || !(v > 0))
		return 0.0;
	r = v / top;
	return r > 1.0 ? 1.0 : r;
}

static void
open_svg(FILE *fp, int height, const char *title)
{
	fprintf(fp,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "font-family=\"%s\" font-size=\"11\" "
	    "style=\"display:block;width:100%%;max-width:%dpx;height:auto;\">"
	    "<title>",
	    SVG_WIDTH, height, SVG_WIDTH, height, PRESENT_HTML_FONT, SVG_WIDTH);
	svg_escape(fp, title, 200);
	fputs("</title>", fp);
}

static int
close_svg(FILE *fp)
{
	fputs("</svg>", fp);
	return ferror(fp) ? -1 : 0;
}

static void
rect(FILE *fp, double x, double y, double w, double h, const char *fill)
{
	fputs("<rect x=\"", fp);
	num(fp, x);
	fputs("\" y=\"", fp);
	num(fp, y);
	fputs("\" width=\"", fp);
	num(fp, w);
	fputs("\" height=\"", fp);
	num(fp, h);
	fputs("\" fill=\"", fp);
	svg_escape(fp, fill, 32);
	fputc('"', fp);
}

static void
hline(FILE *fp, double x1, double x2, double y, const char *stroke,
    const char *dash)
{
	fputs("<line x1=\"", fp);
	num(fp, x1);
	fputs("\" x2=\"", fp);
	num(fp, x2);
	fputs("\" y1=\"", fp);
	num(fp, y);
	fputs("\" y2=\"", fp);
	num(fp, y);
	fprintf(fp, "\" stroke=\"%s\" stroke-width=\"1\"", stroke);
	if (dash != NULL)
		fprintf(fp, " stroke-dasharray=\"%s\"", dash);
	fputs("/>", fp);
}

/* Text at (x, y); anchor "start", "middle" or "end". */
static void
text(FILE *fp, double x, double y, const char *anchor, const char *s,
    size_t max_chars)
{
	fputs("<text x=\"", fp);
	num(fp, x);
	fputs("\" y=\"", fp);
	num(fp, y);
	fprintf(fp, "\" text-anchor=\"%s\" fill=\"" PRESENT_HTML_MUTED "\">",
	    anchor);
	svg_escape(fp, s, max_chars);
	fputs("</text>", fp);
}

/* A legend entry at x: a swatch and its name; returns the next x. */
static double
legend(FILE *fp, double x, const char *color, int dashed, const char *name)
{
	if (dashed)
		hline(fp, x, x + 14, 12, color, "4 3");
	else {
		rect(fp, x, 7, 10, 10, color);
		fputs("/>", fp);
	}
	text(fp, x + 16, 16, "start", name, 0);
	return x + 16 + 7.0 * (double)strlen(name) + 14;
}

/* Every how many slots an x label fits. */
static size_t
label_every(size_t n)
{
	size_t fit = PLOT_W / LABEL_W;

	return n <= fit ? 1 : (n + fit - 1) / fit;
}

static void
x_labels(FILE *fp, size_t n, const char *(*label)(const void *, size_t),
    const void *v)
{
	double slot = (double)PLOT_W / (double)n;
	size_t every = label_every(n);

	for (size_t i = 0; i < n; i += every)
		text(fp, MARGIN_L + ((double)i + 0.5) * slot, TIME_H - 8,
		    "middle", label(v, i), 10);
}

static void
no_data(FILE *fp)
{
	text(fp, MARGIN_L + PLOT_W / 2.0, MARGIN_T + PLOT_H / 2.0, "middle",
	    "no data", 0);
}

/* The y-axis step: 1, 2 or 5 times a power of ten, so that at most four
 * steps reach max; at least 1, as counts are whole. */
static double
count_step(double max)
{
	double raw = max / 4, mag = 1;

	if (!(raw > 1))
		return 1;
	while (mag * 10 <= raw)
		mag *= 10;
	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

static const char *
bar_label(const void *v, size_t i)
{
	return ((const struct svg_bar *)v)[i].label;
}

int
svg_stacked_bars(FILE *fp, const char *title, const struct svg_bar *v, size_t n)
{
	double max = 0, step, top, slot, bw, base = MARGIN_T + PLOT_H;
	char buf[32];
	int ticks;

	for (size_t i = 0; i < n; i++) {
		double t = (double)v[i].pass + (double)v[i].fail;

		if (t > max)
			max = t;
	}
	step = count_step(max);
	ticks = 1;
	while ((double)ticks * step < max && ticks < 10)
		ticks++;
	top = (double)ticks * step;

	open_svg(fp, TIME_H, title);
	legend(fp, legend(fp, MARGIN_L, PRESENT_HTML_PASS, 0, "passed"),
	    PRESENT_HTML_FAIL, 0, "failed");
	for (int k = 0; k <= ticks; k++) {
		double y = base - PLOT_H * (double)k / ticks;

		hline(fp, MARGIN_L, SVG_WIDTH - MARGIN_R, y, PRESENT_HTML_LINE,
		    NULL);
		svg_compact(buf, sizeof(buf), step * k);
		text(fp, MARGIN_L - 6, y + 4, "end", buf, 0);
	}
	if (n == 0) {
		no_data(fp);
		return close_svg(fp);
	}
	slot = (double)PLOT_W / (double)n;
	bw = slot * 0.72;
	for (size_t i = 0; i < n; i++) {
		double hp = PLOT_H * share((double)v[i].pass, top);
		double hf = PLOT_H * share((double)v[i].fail, top);
		double x = MARGIN_L + (double)i * slot + (slot - bw) / 2;

		/* Never taller than the plot, even when each is near the
		 * top on its own. */
		if (hp + hf > PLOT_H)
			hf = PLOT_H - hp;
		if (hp <= 0 && hf <= 0)
			continue;
		fputs("<g>", fp);
		if (n <= MAX_MARKS) {
			char p[32], f[32];

			count_text(p, sizeof(p), v[i].pass);
			count_text(f, sizeof(f), v[i].fail);
			fputs("<title>", fp);
			svg_escape(fp, v[i].label, 40);
			fprintf(fp, ": %s passed, %s failed</title>", p, f);
		}
		if (hp > 0) {
			rect(fp, x, base - hp, bw, hp, PRESENT_HTML_PASS);
			fputs("/>", fp);
		}
		if (hf > 0) {
			rect(fp, x, base - hp - hf, bw, hf, PRESENT_HTML_FAIL);
			fputs("/>", fp);
		}
		fputs("</g>", fp);
	}
	x_labels(fp, n, bar_label, v);
	return close_svg(fp);
}

static const char *
rate_label(const void *v, size_t i)
{
	return ((const struct svg_rate *)v)[i].label;
}

/* num / den in percent, capped at 100, for where a point is drawn (a
 * label shows percent_text()); den must not be 0. */
static double
percent(uint64_t n, uint64_t d)
{
	if (n >= d)
		return 100.0;
	return (double)n / (double)d * 100.0;
}

int
svg_rate_line(FILE *fp, const char *title, const struct svg_rate *v, size_t n,
    int threshold)
{
	double min = 100, slot, lo, step, x, base = MARGIN_T + PLOT_H;
	int have = 0, pen = 0, guide = threshold >= 1 && threshold <= 100;
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		if (v[i].den == 0)
			continue;
		have = 1;
		if (percent(v[i].num, v[i].den) < min)
			min = percent(v[i].num, v[i].den);
	}
	if (guide && threshold < min)
		min = threshold;
	/* Round down to a multiple of 10, with air below the lowest. */
	lo = (double)((int)(min - 2) / 10 * 10);
	if (lo > 90)
		lo = 90;
	if (lo < 0)
		lo = 0;
	step = 100 - lo <= 20 ? 5 : 100 - lo <= 50 ? 10 : 25;

	open_svg(fp, TIME_H, title);
	x = legend(fp, MARGIN_L, SVG_LINE, 0, "DMARC pass rate");
	if (guide) {
		snprintf(buf, sizeof(buf), "%d%% needed", threshold);
		legend(fp, x, PRESENT_HTML_MUTED, 1, buf);
	}
	for (double t = lo; t <= 100.0; t += step) {
		double y = base - PLOT_H * (t - lo) / (100 - lo);

		hline(fp, MARGIN_L, SVG_WIDTH - MARGIN_R, y, PRESENT_HTML_LINE,
		    NULL);
		snprintf(buf, sizeof(buf), "%d%%", (int)t);
		text(fp, MARGIN_L - 6, y + 4, "end", buf, 0);
	}
	if (guide) {
		double y =
		    base - PLOT_H * ((double)threshold - lo) / (100 - lo);

		hline(fp, MARGIN_L, SVG_WIDTH - MARGIN_R, y, PRESENT_HTML_MUTED,
		    "4 3");
	}
	if (!have) {
		no_data(fp);
		return close_svg(fp);
	}
	slot = (double)PLOT_W / (double)n;
	fputs("<path fill=\"none\" stroke=\"" SVG_LINE "\" stroke-width=\"2\" "
	      "stroke-linejoin=\"round\" d=\"",
	    fp);
	for (size_t i = 0; i < n; i++) {
		if (v[i].den == 0) {
			pen = 0; /* a gap where there is no data */
			continue;
		}
		fputs(pen ? " L" : " M", fp);
		num(fp, MARGIN_L + ((double)i + 0.5) * slot);
		fputc(' ', fp);
		num(fp,
		    base -
		        PLOT_H * (percent(v[i].num, v[i].den) - lo) /
		            (100 - lo));
		pen = 1;
	}
	fputs("\"/>", fp);
	for (size_t i = 0; i < n && n <= MAX_MARKS; i++) {
		char shown[PERCENT_LEN];
		double p;

		if (v[i].den == 0)
			continue;
		p = percent(v[i].num, v[i].den);
		fputs("<circle cx=\"", fp);
		num(fp, MARGIN_L + ((double)i + 0.5) * slot);
		fputs("\" cy=\"", fp);
		num(fp, base - PLOT_H * (p - lo) / (100 - lo));
		fputs("\" r=\"3\" fill=\"" SVG_LINE "\"><title>", fp);
		svg_escape(fp, v[i].label, 40);
		/* The label as every report shows a pass rate; the point
		 * itself where the exact rate is. */
		percent_text(v[i].num, v[i].den, shown, sizeof(shown));
		fprintf(fp, ": %s%%</title></circle>", shown);
	}
	x_labels(fp, n, rate_label, v);
	return close_svg(fp);
}

/* The y of percent pc on a sparkline whose axis starts at lo. */
static double
spark_y(double pc, double lo)
{
	return SVG_SPARK_H - 3 - (SVG_SPARK_H - 6) * (pc - lo) / (100 - lo);
}

int
svg_sparkline(FILE *fp, const char *title, const struct svg_rate *v, size_t n)
{
	double min = 100, lo, slot;
	size_t last = n;
	int pen = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].den == 0)
			continue;
		last = i;
		if (percent(v[i].num, v[i].den) < min)
			min = percent(v[i].num, v[i].den);
	}
	/* As the rate line: from a multiple of 10 below the lowest, so that
	 * 97% and 99% look apart; 100% on top. */
	lo = (double)((int)(min - 2) / 10 * 10);
	lo = lo > 90 ? 90 : lo < 0 ? 0 : lo;
	fprintf(fp,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\"><title>",
	    SVG_SPARK_W, SVG_SPARK_H, SVG_SPARK_W, SVG_SPARK_H);
	svg_escape(fp, title, 200);
	fputs("</title>", fp);
	hline(fp, 0, SVG_SPARK_W, SVG_SPARK_H - 0.5, PRESENT_HTML_LINE, NULL);
	if (last == n)
		return close_svg(fp);
	slot = (double)SVG_SPARK_W / (double)n;
	fputs("<path fill=\"none\" stroke=\"" SVG_LINE "\" "
	      "stroke-width=\"1.5\" stroke-linejoin=\"round\" d=\"",
	    fp);
	for (size_t i = 0; i < n; i++) {
		if (v[i].den == 0) {
			pen = 0;
			continue;
		}
		fputs(pen ? " L" : " M", fp);
		num(fp, ((double)i + 0.5) * slot);
		fputc(' ', fp);
		num(fp, spark_y(percent(v[i].num, v[i].den), lo));
		pen = 1;
	}
	fputs("\"/><circle cx=\"", fp);
	num(fp, ((double)last + 0.5) * slot);
	fputs("\" cy=\"", fp);
	num(fp, spark_y(percent(v[last].num, v[last].den), lo));
	fputs("\" r=\"2\" fill=\"" SVG_LINE "\"><title>", fp);
	{
		char shown[PERCENT_LEN];

		svg_escape(fp, v[last].label, 40);
		percent_text(v[last].num, v[last].den, shown, sizeof(shown));
		fprintf(fp, ": %s%%</title></circle>", shown);
	}
	return close_svg(fp);
}

int
svg_hbars(FILE *fp, const char *title, const struct svg_hbar *v, size_t n)
{
	double max = 0, full = SVG_WIDTH - HBAR_LABEL_W - HBAR_VALUE_W;
	int height = 8 + (int)(n ? n : 1) * ROW_H + 4;
	char buf[32];

	for (size_t i = 0; i < n; i++)
		if ((double)v[i].value > max)
			max = (double)v[i].value;
	open_svg(fp, height, title);
	if (n == 0) {
		text(fp, SVG_WIDTH / 2.0, 8 + ROW_H / 2.0 + 4, "middle",
		    "no data", 0);
		return close_svg(fp);
	}
	for (size_t i = 0; i < n; i++) {
		double y = 8 + (double)i * ROW_H;
		double w = full * share((double)v[i].value, max);

		if (v[i].value > 0 && w < 1)
			w = 1; /* visible, however small beside the largest */
		text(fp, HBAR_LABEL_W - 8, y + 14, "end", v[i].label,
		    HBAR_LABEL_CHARS);
		rect(fp, HBAR_LABEL_W, y + 3, w, ROW_H - 6,
		    v[i].color ? v[i].color : PRESENT_HTML_FAIL);
		fputs("/>", fp);
		count_text(buf, sizeof(buf), v[i].value);
		text(fp, HBAR_LABEL_W + w + 6, y + 14, "start", buf, 0);
	}
	return close_svg(fp);
}
