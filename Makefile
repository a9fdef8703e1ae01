# svcdesk - one binary, build/svcdesk.
#
#   make          build build/svcdesk
#   make run      install what is missing, build, create ./var/svcdesk.db with demo data, serve
#   make test     install, build, run every test (unit, e2e, sanitizers, fuzzers)
#   make bench    install, build, print the benchmark figures
#   make soak     install, build, soak one server for SOAK_SECONDS (3600) and print its figures
#
# BUILD selects the output folder; SAN adds sanitizer flags (build/asan uses it).

BUILD ?= build
CC ?= cc
OPT ?= -O2 -g
SAN ?=
PKGS := libmicrohttpd jansson sqlite3 libsodium glib-2.0 libical cairo pangocairo libcmark \
	gmime-3.0 libcurl libpq
TEST_PKGS := cmocka

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
# Library headers are system headers: their warnings are not ours.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS := -D_GNU_SOURCE -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
CFLAGS := $(WARN) $(OPT) $(SAN) -pthread
LDLIBS := $(PKG_LIBS) -lpthread -lm

SRCS := $(shell find src -name '*.c' | sort)
MAIN_SRC := src/cli/main.c
LIB_SRCS := $(filter-out $(MAIN_SRC),$(SRCS))
# Files compiled into the binary (core/embed.h): NAME := the files of embedded_NAME[].
EMBED_sql := $(sort $(wildcard sql/sqlite/*.sql))
EMBED_pgsql := $(sort $(wildcard sql/postgres/*.sql))
EMBED_openapi := docs/openapi.json
EMBED_templates := $(sort $(wildcard web/templates/*.html))
EMBED_static := $(sort $(wildcard web/static/*))
EMBEDS := sql pgsql openapi templates static
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(EMBEDS:%=$(BUILD)/obj/gen/embedded_%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))

# The catalogues of po/ (core/i18n.h): LANG.po compiled for the server, which reads them
# from the locale folder beside it; `make po` refreshes po/svcdesk.pot from the sources and
# merges it into each LANG.po (then translate what msgfmt --statistics counts untranslated).
PO_LANGS := $(basename $(notdir $(wildcard po/*.po)))
MO_FILES := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/svcdesk.mo)
XGETTEXT := xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file \
	--package-name=svcdesk --keyword= --keyword=tr --keyword=tr_in:2 --keyword=TR_NOOP \
	--keyword=page_error:4 --flag=page_error:4:c-format --keyword=page_options:4 --keyword=name_options:4 \
	--keyword=res_error:4 --flag=res_error:4:c-format --keyword=api_fault:4 \
	--flag=api_fault:4:c-format --keyword=store__fault:4 --flag=store__fault:4:c-format \
	--keyword=err_addf:3 --flag=err_addf:3:c-format \
	--keyword=page_text_problem:1 --keyword=page_line_problem:1

.PHONY: all deps run test check bench clean fmt check-deep soak fuzzers po po-check
all: $(BUILD)/svcdesk

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(BUILD)/gen/embedded_%.c: $$(EMBED_$$*) scripts/embed.sh
	@mkdir -p $(dir $@)
	scripts/embed.sh embedded_$* $(EMBED_$*) > $@.tmp && mv $@.tmp $@

$(BUILD)/libsvcdesk.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/svcdesk: $(BUILD)/obj/$(MAIN_SRC:.c=.o) $(BUILD)/libsvcdesk.a | $(MO_FILES)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/locale/%/LC_MESSAGES/svcdesk.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

$(BUILD)/tmpl-pot: scripts/tmpl-pot.c $(BUILD)/libsvcdesk.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libsvcdesk.a $(LDLIBS)

# Every text of the sources and templates, as po/svcdesk.pot is made.
$(BUILD)/svcdesk.pot: $(SRCS) $(EMBED_templates) $(BUILD)/tmpl-pot
	$(XGETTEXT) --force-po -o - $(SRCS) | sed 's/charset=CHARSET/charset=UTF-8/' > $@.c
	$(BUILD)/tmpl-pot $(EMBED_templates) > $@.t
	msgcat --no-wrap --use-first -o $@ $@.c $@.t
	rm -f $@.c $@.t

po: $(BUILD)/svcdesk.pot
	cp $< po/svcdesk.pot
	for f in po/*.po; do msgmerge --quiet --no-wrap --update --backup=none $$f po/svcdesk.pot; done
	@for f in po/*.po; do printf '%s: ' $$f; msgfmt --check --statistics -o /dev/null $$f; done

# Each catalogue translates every text (TAP, for tests/run.sh).
po-check: $(BUILD)/svcdesk.pot
	@for f in po/*.po; do \
		if out=$$(msgcmp $$f $< 2>&1) && msgfmt --check -o /dev/null $$f; then \
			echo "ok - $$f translates every text"; \
		else echo "not ok - $$f: $$(echo "$$out" | grep -c 'this message is untranslated\|this message is used but not defined') texts untranslated"; \
			echo "$$out" | grep -v 'is not used' | head -20 | sed 's/^/# /'; fi; done

# Unit tests: one binary, suites listed in tests/unit/list.h; statics reachable (TESTABLE).
$(BUILD)/t-unit: $(UNIT_SRCS) $(BUILD)/libsvcdesk.a tests/unit/list.h
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -o $@ $(UNIT_SRCS) $(BUILD)/libsvcdesk.a \
		$(LDLIBS) $$(pkg-config --libs $(TEST_PKGS))

# Fuzzers (BUILD=build/fuzz CC=clang, see tests/run.sh).
$(BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(BUILD)/libsvcdesk.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libsvcdesk.a $(LDLIBS)

fuzzers: $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/%)

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) -s all
	@scripts/run.sh

test: deps
	@tests/run.sh

check: test

check-deep: deps
	@tests/run.sh --deep

bench: deps
	@$(MAKE) -s all
	@bench/run.sh

# The soak by hand: an hour by default; prints requests served (per route class), RSS and
# open file descriptors at start and end (tests/soak/soak.py).
SOAK_SECONDS ?= 3600
soak: deps
	@$(MAKE) -s all
	@SVCDESK=$(CURDIR)/$(BUILD)/svcdesk SOAK_SECONDS=$(SOAK_SECONDS) python3 tests/soak/soak.py

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
