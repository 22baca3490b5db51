/*
 * tests/unit/cfbwriter.h: a small compound file (MS-CFB version 3)
 * writer, to craft well-formed files that tests then damage on purpose.
 *
 * Layout: header, FAT sectors, directory sectors, mini FAT sectors, mini
 * stream sectors, then the streams of 4096 bytes or more.  Each storage's
 * children hang as a chain of right links (a valid, if unbalanced, tree).
 * Sector s starts at byte 512 * (s + 1).
 */
#ifndef LF_TEST_CFBWRITER_H
#define LF_TEST_CFBWRITER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CW_MAX 20100

struct cw_entry {
	char name[32];
	int type; /* 1 storage, 2 stream, 5 root */
	uint32_t parent;
	const uint8_t *data;
	size_t len;
	uint32_t start;
	uint32_t left, right, child;
};

struct cw {
	struct cw_entry *e;
	uint32_t n;
	uint8_t *buf;
	size_t len;
	uint32_t fat_start, nfat, dir_start, ndir, minifat_start, nminifat;
	uint32_t mini_start, nmini_sec;
};

static void
cw_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
cw_init(struct cw *w)
{
	memset(w, 0, sizeof(*w));
	w->e = calloc(CW_MAX, sizeof(*w->e));
	snprintf(w->e[0].name, sizeof(w->e[0].name), "Root Entry");
	w->e[0].type = 5;
	w->e[0].parent = 0xFFFFFFFFu;
	w->n = 1;
}

/* Add an entry under parent; data is borrowed until cw_build. */
static uint32_t
cw_add(struct cw *w, uint32_t parent, const char *name, int type,
    const void *data, size_t len)
{
	struct cw_entry *e = &w->e[w->n];

	snprintf(e->name, sizeof(e->name), "%s", name);
	e->type = type;
	e->parent = parent;
	e->data = data;
	e->len = len;
	return w->n++;
}

static void
cw_free(struct cw *w)
{
	free(w->e);
	free(w->buf);
}

static uint8_t *
cw_sector(struct cw *w, uint32_t s)
{
	return w->buf + 512 * ((size_t)s + 1);
}

static void
cw_set_fat(struct cw *w, uint32_t s, uint32_t v)
{
	cw_put32(cw_sector(w, w->fat_start + s / 128) + 4 * (s % 128), v);
}

static uint8_t *
cw_dirent(struct cw *w, uint32_t id)
{
	return cw_sector(w, w->dir_start + id / 4) + 128 * (id % 4);
}

static void
cw_build(struct cw *w)
{
	uint32_t i, total, nbig = 0, s, k, last[CW_MAX];
	size_t mini_len = 0, off;
	uint8_t *mini;

	for (i = 0; i < w->n; i++)
		last[i] = 0xFFFFFFFFu;
	for (i = 0; i < w->n; i++) {
		w->e[i].left = w->e[i].right = w->e[i].child = 0xFFFFFFFFu;
		if (i == 0)
			continue;
		if (last[w->e[i].parent] == 0xFFFFFFFFu)
			w->e[w->e[i].parent].child = i;
		else
			w->e[last[w->e[i].parent]].right = i;
		last[w->e[i].parent] = i;
	}
	for (i = 1; i < w->n; i++) {
		if (w->e[i].type != 2)
			continue;
		if (w->e[i].len >= 4096)
			nbig += (uint32_t)((w->e[i].len + 511) / 512);
		else
			mini_len += (w->e[i].len + 63) / 64 * 64;
	}
	w->ndir = (w->n + 3) / 4;
	w->nminifat = (uint32_t)((mini_len / 64 + 127) / 128);
	w->nmini_sec = (uint32_t)((mini_len + 511) / 512);
	w->nfat = 1;
	for (;;) {
		total = w->nfat + w->ndir + w->nminifat + w->nmini_sec + nbig;
		if (total <= w->nfat * 128)
			break;
		w->nfat++;
	}
	w->fat_start = 0;
	w->dir_start = w->nfat;
	w->minifat_start = w->dir_start + w->ndir;
	w->mini_start = w->minifat_start + w->nminifat;
	w->len = 512 * ((size_t)total + 1);
	w->buf = calloc(1, w->len);
	mini = calloc(1, w->nmini_sec * 512 + 1);
	/* Header. */
	memcpy(w->buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	w->buf[24] = 0x3E;
	w->buf[26] = 3;
	w->buf[28] = 0xFE;
	w->buf[29] = 0xFF;
	w->buf[30] = 9;
	w->buf[32] = 6;
	cw_put32(w->buf + 44, w->nfat);
	cw_put32(w->buf + 48, w->dir_start);
	cw_put32(w->buf + 56, 4096);
	cw_put32(w->buf + 60, w->nminifat ? w->minifat_start : 0xFFFFFFFEu);
	cw_put32(w->buf + 64, w->nminifat);
	cw_put32(w->buf + 68, 0xFFFFFFFEu);
	for (i = 0; i < 109; i++)
		cw_put32(w->buf + 76 + 4 * i,
		    i < w->nfat ? w->fat_start + i : 0xFFFFFFFFu);
	for (i = 0; i < w->nfat * 128; i++)
		cw_set_fat(w, i, 0xFFFFFFFFu);
	for (i = 0; i < w->nfat; i++)
		cw_set_fat(w, w->fat_start + i, 0xFFFFFFFDu);
#define CW_CHAIN(first, count)                                                \
	do {                                                                  \
		for (k = 0; k < (count); k++)                                 \
			cw_set_fat(w, (first) + k,                            \
			    k + 1 < (count) ? (first) + k + 1 : 0xFFFFFFFEu); \
	} while (0)
	CW_CHAIN(w->dir_start, w->ndir);
	CW_CHAIN(w->minifat_start, w->nminifat);
	CW_CHAIN(w->mini_start, w->nmini_sec);
	/* Streams. */
	s = w->mini_start + w->nmini_sec;
	off = 0;
	for (i = 1; i < w->n; i++) {
		struct cw_entry *e = &w->e[i];

		if (e->type != 2)
			continue;
		if (e->len >= 4096) {
			uint32_t cnt = (uint32_t)((e->len + 511) / 512);

			e->start = s;
			memcpy(cw_sector(w, s), e->data, e->len);
			CW_CHAIN(s, cnt);
			s += cnt;
		} else if (e->len > 0) {
			uint32_t m = (uint32_t)(off / 64),
			         cnt = (uint32_t)((e->len + 63) / 64);

			e->start = m;
			memcpy(mini + off, e->data, e->len);
			for (k = 0; k < cnt; k++)
				cw_put32(cw_sector(w,
				             w->minifat_start + (m + k) / 128) +
				        4 * ((m + k) % 128),
				    k + 1 < cnt ? m + k + 1 : 0xFFFFFFFEu);
			off += (size_t)cnt * 64;
		} else {
			e->start = 0xFFFFFFFEu;
		}
	}
	for (i = 0; i < w->nminifat * 128; i++)
		if (i >= off / 64)
			cw_put32(cw_sector(w, w->minifat_start + i / 128) +
			        4 * (i % 128),
			    0xFFFFFFFFu);
	if (w->nmini_sec > 0)
		memcpy(cw_sector(w, w->mini_start), mini, w->nmini_sec * 512);
	free(mini);
	w->e[0].start = w->nmini_sec ? w->mini_start : 0xFFFFFFFEu;
	w->e[0].len = off;
	/* Directory. */
	for (i = 0; i < w->ndir * 4; i++) {
		uint8_t *d = cw_dirent(w, i);
		size_t j, nl;

		cw_put32(d + 68, 0xFFFFFFFFu);
		cw_put32(d + 72, 0xFFFFFFFFu);
		cw_put32(d + 76, 0xFFFFFFFFu);
		if (i >= w->n)
			continue;
		nl = strlen(w->e[i].name);
		for (j = 0; j < nl; j++)
			d[2 * j] = (uint8_t)w->e[i].name[j];
		d[64] = (uint8_t)(2 * nl + 2);
		d[66] = (uint8_t)w->e[i].type;
		d[67] = 1;
		cw_put32(d + 68, w->e[i].left);
		cw_put32(d + 72, w->e[i].right);
		cw_put32(d + 76, w->e[i].child);
		cw_put32(d + 116, w->e[i].start);
		cw_put32(d + 120, (uint32_t)w->e[i].len);
	}
#undef CW_CHAIN
}

#endif
