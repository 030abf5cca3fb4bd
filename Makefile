# A thin wrapper over Meson: one command for each habit. See README.md.
BUILD      ?= build
CHECKBUILD ?= build-check
SETUP      := scripts/setup
MESON      := meson
DEMO_DIR   ?= demo
SIZES      ?= 4413,500000

.PHONY: all setup demo check asan test fuzz format lint bench clean

all: setup
	@test -f $(BUILD)/build.ninja || $(MESON) setup $(BUILD) >/dev/null
	ninja -C $(BUILD)

setup:
	@$(SETUP)

# Builds fukan and runs the whole job on freshly generated sample data into $(DEMO_DIR)/
# (synthetic people only, so an earlier demo folder is simply replaced), printing to a
# private CUPS queue when cupsd is installed.
demo: all
	rm -rf $(DEMO_DIR)
	scripts/run-demo $(BUILD)/src/cli/fukan $(DEMO_DIR)

# Every test (unit, end-to-end, independent-tool checks) under ASan + UBSan, with the test
# crash points compiled in (-Dtest_hooks=true; never in the build that is shipped).
check: setup
	@test -f $(CHECKBUILD)/build.ninja || $(MESON) setup $(CHECKBUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dtest_hooks=true >/dev/null
	@grep -q 'FK_TEST_HOOKS 1' $(CHECKBUILD)/fk-config.h 2>/dev/null || { ninja -C $(CHECKBUILD) build.ninja >/dev/null && $(MESON) configure $(CHECKBUILD) -Dtest_hooks=true >/dev/null; }
	ninja -C $(CHECKBUILD)
	scripts/run-tests $(CHECKBUILD)

test: check
asan: check

# Each libFuzzer target for a short, fixed time (clang; every library is instrumented for
# coverage, so the fuzzers see inside the code they call).
fuzz: setup
	@test -f build-fuzz/build.ninja || CC=clang $(MESON) setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
	ninja -C build-fuzz
	scripts/run-fuzz build-fuzz

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

lint:
	scripts/checksrc
	scripts/check-layers
	git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

bench: all
	bench/run $(BUILD) --sizes $(SIZES)

clean:
	rm -rf $(BUILD) $(CHECKBUILD) build-fuzz
