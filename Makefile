# hamgan - plain Makefile.  `make` builds build/hamgan; `make test` installs
# what is missing, builds with AddressSanitizer and UndefinedBehaviorSanitizer
# and runs every test; `make run` builds and serves the demo.  See README.md.

CC ?= cc
PKGS := sqlite3 libpq libsodium libmicrohttpd libcjson inih xlsxwriter libjpeg libpng libwebp
TEST_PKGS := cmocka

# SAN=1 builds into build/asan with the sanitizers; FUZZ=1 into build/fuzz
# with clang and libFuzzer instrumentation.
ifeq ($(FUZZ),1)
BUILD ?= build/fuzz
CC := clang
MODEFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
MODELDFLAGS := -fsanitize=address,undefined
else ifeq ($(SAN),1)
BUILD ?= build/asan
MODEFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
MODELDFLAGS := -fsanitize=address,undefined
else
BUILD ?= build
MODEFLAGS := -O2 -g
MODELDFLAGS :=
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wpointer-arith -Wwrite-strings -Wvla -Wformat=2 \
	-Wundef -Wimplicit-fallthrough -Wmissing-declarations
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	$(MODEFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm -lpthread $(LDLIBS)

LIB_SRC := $(wildcard src/base/*.c src/fa/*.c src/model/*.c src/core/*.c src/store/*.c)
# The demo generator is no part of the library: its own archive, linked into
# the hamgan binary (hamgan demo), the unit tests and bench/, never the server.
DEMO_SRC := $(wildcard src/demo/*.c)
HTTP_SRC := $(wildcard src/http/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
DEMO_OBJ := $(DEMO_SRC:%.c=$(BUILD)/%.o)
HTTP_OBJ := $(HTTP_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_REGRESS := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz-regress/%)

FONT := web/fonts/Vazirmatn-wght.woff2
LEAFLET := web/vendor/leaflet/leaflet.js
CHARTJS := web/vendor/chartjs/chart.umd.min.js
WEB_ASSETS := $(FONT) $(LEAFLET) $(CHARTJS)
LIB := $(BUILD)/libhamgan.a
HTTPLIB := $(BUILD)/libhamgan-http.a
DEMOLIB := $(BUILD)/libhamgan-demo.a

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all bootstrap test tests run fuzz bench clean screenshots soak
.DEFAULT_GOAL := all

all: $(BUILD)/hamgan $(WEB_ASSETS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(HTTPLIB): $(HTTP_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(DEMOLIB): $(DEMO_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/hamgan: $(CLI_OBJ) $(HTTP_OBJ) $(DEMOLIB) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(MODELDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(HTTP_OBJ) $(DEMOLIB) $(LIB) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(HTTP_OBJ) $(DEMOLIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -Itests -o $@ $< $(HTTP_OBJ) $(DEMOLIB) $(LIB) \
		$(MODELDFLAGS) $(LDFLAGS) $(TEST_LIBS) $(LDLIBS_ALL)

tests: $(BUILD)/hamgan $(TEST_BIN) $(FUZZ_REGRESS) $(WEB_ASSETS) $(BUILD)/tests/liblossy.so

# The power-loss shim (tests/power/lossy.c, docs/durability.md): an
# LD_PRELOAD library for tests only, built without the sanitizers in every
# mode (an ASan program preloads the ASan runtime before it).
$(BUILD)/tests/liblossy.so: tests/power/lossy.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SHIM    $@")
	$(Q)$(CC) -std=c11 $(WARN) -Wno-missing-prototypes -O2 -g -fPIC -shared -o $@ $< -ldl -lpthread

# What the web app takes from npm packages package-lock.json pins, where the
# server serves it (web/fonts, web/vendor; not committed, never a CDN):
# the Vazirmatn font, Leaflet for the maps (script, stylesheet, marker
# images), Chart.js for the dashboard.  Plain `make` puts them there.
NPM_CI = @[ -f node_modules/$(1) ] || npm ci --no-audit --no-fund --loglevel=error
$(FONT): package-lock.json
	$(call NPM_CI,vazirmatn/OFL.txt)
	@mkdir -p web/fonts
	cp 'node_modules/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2' $@
	cp node_modules/vazirmatn/OFL.txt web/fonts/OFL.txt
$(LEAFLET): package-lock.json
	$(call NPM_CI,leaflet/dist/leaflet.js)
	@mkdir -p web/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css web/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png web/vendor/leaflet/images/
	cp node_modules/leaflet/LICENSE web/vendor/leaflet/LICENSE
$(CHARTJS): package-lock.json
	$(call NPM_CI,chart.js/dist/chart.umd.min.js)
	@mkdir -p web/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js $@
	cp node_modules/chart.js/LICENSE.md web/vendor/chartjs/LICENSE.md

bootstrap:
	@scripts/bootstrap

# The suite runs under ASan and UBSan; tests/run prints "N passed, N failed".
test: bootstrap
	@$(MAKE) --no-print-directory -j$$(nproc) SAN=1 tests
	@tests/run build/asan

run: bootstrap
	@$(MAKE) --no-print-directory all
	@scripts/run-demo build/hamgan

# The screenshots the README shows (docs/screenshots/), refreshed by the
# browser suite (tests/web/forms.mjs) against the plain build; every page's
# lands in build/screens/.
screenshots: bootstrap
	@$(MAKE) --no-print-directory all
	@HAMGAN=$(CURDIR)/build/hamgan HAMGAN_ROOT=$(CURDIR) WEB_SHOTS=$(CURDIR)/docs/screenshots \
		bash tests/web/test_forms.sh

# The crash soak, long form (docs/durability.md): clients write while the
# server is killed with SIGKILL SOAK_KILLS times over SOAK_SECONDS, then every
# acknowledged write is looked for.  `make test` runs a short one
# (tests/http/test_soak.sh, 25 s); `make SAN=1 soak` runs it under ASan.
SOAK_SECONDS ?= 300
SOAK_KILLS ?= $$(( $(SOAK_SECONDS) / 5 ))
soak: bootstrap
	@$(MAKE) --no-print-directory all
	@HAMGAN=$(CURDIR)/$(BUILD)/hamgan HAMGAN_ROOT=$(CURDIR) SOAK_SECONDS=$(SOAK_SECONDS) \
		SOAK_KILLS=$(SOAK_KILLS) bash tests/http/test_soak.sh

# libFuzzer targets (docs/fuzzing.md), each for FUZZ_SECONDS seconds: the
# default keeps a whole `make fuzz` (22 targets, and each corpus replayed
# first) about ten minutes.  The HTTP targets run
# the real server in process and check every body validation through a
# wrapper of jval_object_all (fuzz/fuzz_http_common.h).
FUZZ_SECONDS ?= 25
comma := ,
FUZZ_HTTP := fuzz_http fuzz_api_bodies
FUZZ_WRAP = $(if $(filter $(FUZZ_HTTP),$(notdir $@)),-Wl$(comma)--wrap=jval_object_all)
$(BUILD)/fuzz/%: fuzz/%.c $(HTTPLIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(HTTPLIB) $(LIB) $(FUZZ_WRAP) $(LDLIBS_ALL)

# The same targets without libFuzzer: fuzz/driver.c runs each input of
# fuzz/seeds/NAME and fuzz/regress/NAME once (tests/cli/test_fuzz_regress.sh,
# part of `make test`), built by the test build's compiler and sanitizers.
# (driver.o is kept: as an intermediate make would delete it and relink
# every regression program on the next build)
.SECONDARY: $(BUILD)/fuzz/driver.o
$(BUILD)/fuzz-regress/%: fuzz/%.c $(BUILD)/fuzz/driver.o $(HTTPLIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZREG $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/fuzz/driver.o $(HTTPLIB) $(LIB) \
		$(MODELDFLAGS) $(LDFLAGS) $(FUZZ_WRAP) $(LDLIBS_ALL)

fuzz: bootstrap
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@scripts/fuzz build/fuzz $(FUZZ_SECONDS)

.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_BIN)

# Report time over 1, 5 and 10 million messages (docs/performance.md); not
# part of `make test`.  BENCH_ARGS="--runs 9 2000000" to change it.
BENCH_SRC := $(wildcard bench/bench_*.c)
$(BUILD)/bench/%: bench/%.c $(HTTPLIB) $(DEMOLIB) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(HTTPLIB) $(DEMOLIB) $(LIB) $(MODELDFLAGS) $(LDFLAGS) $(LDLIBS_ALL)

bench: bootstrap
	@$(MAKE) --no-print-directory $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
	@$(BUILD)/bench/bench_report --dir $(BUILD)/bench $(BENCH_ARGS)
	@$(BUILD)/bench/bench_geo data/tehran-regions.geojson

# Thousands of connections at once (bench/conns.sh: wrk -c64/1000/5000 on
# /healthz and the tracking look-up, memory of idle connections) and
# full-text search at 100k and 1M messages (bench/bench_search.c), and at 5M
# with SEARCH_DBS naming $(BUILD)/bench/search-5m.db too (4.4 GB, about 20
# minutes to make); neither is part of `make bench` or `make test`.
# docs/performance.md has the figures.
bench-conns: bootstrap all
	bench/conns.sh $(CONNS_ARGS)

# the tracking look-up over a demo's messages (bench/track_demo.sh); a 100,000
# message demo is made in $(BUILD)/bench the first time
TRACK_DB ?= $(BUILD)/bench/search-100k.db
bench-track: bootstrap all $(TRACK_DB)
	bench/track_demo.sh --db $(TRACK_DB) $(TRACK_ARGS)

SEARCH_DBS ?= $(BUILD)/bench/search-100k.db $(BUILD)/bench/search-1m.db
$(BUILD)/bench/search-100k.db: | $(BUILD)/hamgan
	@mkdir -p $(dir $@)
	$(BUILD)/hamgan demo --db $@ --messages 100000 --force
$(BUILD)/bench/search-1m.db: $(BUILD)/bench/search-100k.db
	bench/search_grow.sh $< $@ 10
$(BUILD)/bench/search-5m.db: $(BUILD)/bench/search-100k.db
	bench/search_grow.sh $< $@ 50

bench-search: bootstrap $(BUILD)/bench/bench_search $(SEARCH_DBS)
	$(BUILD)/bench/bench_search $(SEARCH_ARGS) $(SEARCH_DBS)

.PHONY: bench-conns bench-search bench-track

# Durable submissions and tracking look-ups over HTTP with wrk
# (docs/performance.md, "Group commit"); ROUNDS, SECONDS_PER_RUN, CONNS.
.PHONY: bench-http
bench-http: bootstrap
	@command -v wrk >/dev/null || { echo "bench-http needs wrk (apt-get install wrk)"; exit 1; }
	@$(MAKE) --no-print-directory all $(BUILD)/bench/bench_commit
	@bench/http.sh

# Durable submissions with 1, 2 and 3 nodes on one PostgreSQL database beside
# pgbench's insert rates, in one run (bench/scale_out.sh, docs/scale-out.md);
# ROUNDS, SECONDS_PER_RUN, CONNS.  Needs wrk and PostgreSQL (pgbench, psql).
.PHONY: bench-scale
bench-scale: bootstrap
	@command -v wrk >/dev/null || { echo "bench-scale needs wrk (apt-get install wrk)"; exit 1; }
	@$(MAKE) --no-print-directory all
	@bench/scale_out.sh

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
