# libforensic: the one build (GNU make).
#
#   make deps       install the missing Debian packages (apt-get, as root)
#   make            library (static and shared) and tools into build/
#   make check      deps, build, every test
#   make demo       deps, build, the whole path on tests/data/demo
#   make sanitize   the tests under ASan and UBSan
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS
#   make bench      benchmarks against the peer tools (not a test)
#   make lint       clang-format check, cppcheck, banned functions
#   make format     apply clang-format
#   make install    PREFIX=/usr/local DESTDIR=

VERSION := 0.1.0
SOVERSION := 0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
# WERROR=1 turns warnings into errors (CI does).
WERROR ?=
FUZZ_SECONDS ?= 60

PKGS := libcrypto jansson libmagic libarchive zlib libidn2 liblzma
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libfuzzy and libunistring ship no pkg-config file.
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfuzzy -lunistring \
	-lm -pthread
LIBFUZZY_VERSION := $(shell dpkg-query -W -f='$${Version}' libfuzzy2 2>/dev/null || echo unknown)

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wvla -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -pthread $(WARNINGS) \
	$(if $(WERROR),-Werror) -Ilibforensic/include $(PKG_CFLAGS) \
	-DLF_LIBFUZZY_VERSION='"$(LIBFUZZY_VERSION)"' $(CFLAGS)

LIB_SRCS := $(wildcard libforensic/lf_*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
COMMON_SRCS := $(wildcard tools/common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o)
# lf-custody's commands, in files of their own.
CUSTODY_SRCS := $(wildcard tools/custody/*.c)
CUSTODY_OBJS := $(CUSTODY_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_SRCS := $(wildcard tools/lf-*.c)
TOOLS := $(TOOL_SRCS:tools/%.c=$(BUILD)/bin/%)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_SUPPORT := $(BUILD)/obj/tests/unit/failalloc.o
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAYS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/replay_%)
MANPAGES := $(wildcard docs/man/*.1)

STATIC_LIB := $(BUILD)/lib/libforensic.a
SHARED_LIB := $(BUILD)/lib/libforensic.so.$(VERSION)

.SECONDARY:
.PHONY: all deps check test unit unit-tests cli demo sanitize fuzz bench \
	lint format install clean

all: $(STATIC_LIB) $(SHARED_LIB) $(TOOLS) $(BUILD)/libforensic.pc

deps:
	@sh build-aux/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libforensic.so.$(SOVERSION) $(LDFLAGS) \
		$(CFLAGS) -o $@ $^ $(PKG_LIBS)
	ln -sf libforensic.so.$(VERSION) $(BUILD)/lib/libforensic.so.$(SOVERSION)
	ln -sf libforensic.so.$(VERSION) $(BUILD)/lib/libforensic.so

# Tools link the static library, so build/bin/ runs without installing.
$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(COMMON_OBJS) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIB) $(PKG_LIBS)
$(BUILD)/bin/lf-custody: $(CUSTODY_OBJS)

$(BUILD)/libforensic.pc: build-aux/libforensic.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)%,$${prefix}%,$(LIBDIR))|' \
		-e 's|@INCDIR@|$(patsubst $(PREFIX)%,$${prefix}%,$(INCDIR))|' \
		-e 's|@VERSION@|$(VERSION)|' $< > $@

# Unit tests wrap the allocator to fail allocations on purpose.
WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=reallocarray
$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(UNIT_SUPPORT) \
		$(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(WRAP) -o $@ $^ $(PKG_LIBS) -lcmocka

# Fuzz harnesses built with a plain driver replay their committed corpus.
$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/%.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIB) $(PKG_LIBS)

# Small programs the command-line tests run (tests/*.c); not installed.
TEST_PROG_SRCS := $(wildcard tests/*.c)
TEST_PROGS := $(TEST_PROG_SRCS:tests/%.c=$(BUILD)/tests/%)
$(TEST_PROGS): $(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIB) $(PKG_LIBS)

# Libraries the command-line tests preload (tests/preload/*.c).
PRELOAD_SRCS := $(wildcard tests/preload/*.c)
PRELOADS := $(PRELOAD_SRCS:tests/preload/%.c=$(BUILD)/tests/%.so)
$(PRELOADS): $(BUILD)/tests/%.so: tests/preload/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -fPIC -shared -o $@ $< -ldl

check: deps
	@$(MAKE) --no-print-directory test

test: all $(UNITS) $(FUZZ_REPLAYS) $(TEST_PROGS) $(PRELOADS)
	@sh tests/run.sh $(BUILD)

unit-tests: all $(UNITS)

unit: unit-tests
	@sh tests/run.sh $(BUILD) unit

cli: all $(TEST_PROGS) $(PRELOADS)
	@sh tests/run.sh $(BUILD) cli

demo: deps
	@$(MAKE) --no-print-directory all
	@sh build-aux/demo.sh $(BUILD)

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
# ASan and UBSan over every test, then ThreadSanitizer over the unit tests
# (the parallel hashing engine's among them).
sanitize:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/sanitize \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/tsan \
		CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" \
		unit-tests
	@TSAN_OPTIONS=halt_on_error=1 sh tests/run.sh $(BUILD)/tsan unit

fuzz:
	@sh tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

# The GMime peer is built for the benchmark only, never by all or check.
$(BUILD)/bench/gmime_extract: bench/gmime_extract.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(LDFLAGS) \
		$$(pkg-config --cflags gmime-3.0) -o $@ $< \
		$$(pkg-config --libs gmime-3.0)

bench: all $(BUILD)/bench/gmime_extract
	@sh bench/run.sh $(BUILD)

LINT_SRCS = $(wildcard libforensic/*.c libforensic/include/lf/*.h \
	tools/*.c tools/common/*.c tools/common/*.h tools/custody/*.c \
	tools/custody/*.h tests/unit/*.c \
	tests/unit/*.h tests/fuzz/*.c)
lint:
	clang-format --dry-run --Werror $(LINT_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE -Ilibforensic/include \
		libforensic tools
	@sh build-aux/banned.sh libforensic tools
	@for m in $(MANPAGES); do mandoc -Tlint -W warning $$m || exit 1; done

format:
	clang-format -i $(LINT_SRCS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCDIR)/lf $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libforensic.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libforensic.so.$(SOVERSION)
	ln -sf libforensic.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libforensic.so
	install -m 0644 libforensic/include/lf/*.h $(DESTDIR)$(INCDIR)/lf/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(PREFIX)/share/libforensic/profiles/gateway \
		$(DESTDIR)$(PREFIX)/share/libforensic/profiles/upload
	install -m 0644 profiles/gateway/*.json \
		$(DESTDIR)$(PREFIX)/share/libforensic/profiles/gateway/
	install -m 0644 profiles/upload/*.json \
		$(DESTDIR)$(PREFIX)/share/libforensic/profiles/upload/
	install -m 0644 profiles/brands.json \
		$(DESTDIR)$(PREFIX)/share/libforensic/profiles/
	install -m 0644 $(BUILD)/libforensic.pc $(DESTDIR)$(PKGCONFIGDIR)/

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
