# zkmlops — build, test, bench.
#   make            library + CLI (build/)
#   make test       unit tests (cmocka), optimized build
#   make test-asan  unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
#   make check      both
#   make bench      benchmark programs (build/bench_*)
#   make demo       the main job on the bundled breast-cancer data
CC      ?= gcc
BUILD   ?= build
SAN     ?= 0
WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wcast-qual
CFLAGS_COMMON = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc -fopenmp $(WARN)
ifeq ($(SAN),1)
OPTFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
OPTFLAGS = -O3 -g
endif
CFLAGS  += $(CFLAGS_COMMON) $(OPTFLAGS)
LDLIBS  = -lcrypto -lcjson -lm
SANFLAGS = -fsanitize=address,undefined
LDFLAGS += -fopenmp $(if $(filter 1,$(SAN)),$(SANFLAGS))

LIB_SRC  = $(sort $(wildcard src/field/*.c src/crypto/*.c src/iop/*.c src/pcs/*.c src/r1cs/*.c src/circuit/*.c src/ml/*.c src/lifecycle/*.c src/bundle/*.c src/util/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c))
BENCH_SRC = $(sort $(wildcard bench/bench_*.c))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/%)
LIB      = $(BUILD)/libzkmlops.a
CLI      = $(BUILD)/zkmlops

.PHONY: all test test-asan check bench demo clean
all: $(LIB) $(CLI)

# ---- ONNX import (owner: onnx helper): C code generated from proto/onnx.proto with protoc-c ----
GEN_DIR   = $(BUILD)/gen
ONNX_PB_C = $(GEN_DIR)/onnx.pb-c.c
ONNX_PB_H = $(GEN_DIR)/onnx.pb-c.h
ONNX_PB_O = $(GEN_DIR)/onnx.pb-c.o
LIB_OBJ  += $(ONNX_PB_O)
LDLIBS   += -lprotobuf-c
$(ONNX_PB_C): proto/onnx.proto
	@mkdir -p $(GEN_DIR)
	protoc-c --proto_path=proto --c_out=$(GEN_DIR) proto/onnx.proto
$(ONNX_PB_H): $(ONNX_PB_C) ;
$(ONNX_PB_O): $(ONNX_PB_C) $(ONNX_PB_H)
	$(CC) -std=c11 $(OPTFLAGS) -I$(GEN_DIR) -c $< -o $@
$(BUILD)/src/ml/onnx.o: CFLAGS += -I$(GEN_DIR)
$(BUILD)/src/ml/onnx.o: $(ONNX_PB_H)
# ---- end ONNX import ----

$(BUILD)/%.o: %.c $(wildcard include/zkmlops/*.h) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

$(BUILD)/bench_%: bench/bench_%.c $(LIB)
	$(CC) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

test: $(TEST_BIN) $(CLI)
	@bash tests/run_tests.sh $(BUILD)

test-asan:
	$(MAKE) BUILD=build-asan SAN=1 test

check: test test-asan

bench: $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

demo: $(CLI)
	@bash tools/demo.sh $(BUILD)

clean:
	rm -rf build build-asan
