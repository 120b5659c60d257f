# nnlab: `make moons` (Part 1), `make mnist DEVICE=cuda` (Part 2), `make test`, `make bench`,
# `make tensorboard`. Every target installs what it needs first (scripts/setup is idempotent).
RUNS   ?= runs
DEVICE ?= cpu
ARGS   ?=
CARGO  ?= cargo
BIN    := target/release
# DEVICE=cuda adds the CUDA libraries to .venv (scripts/setup cuda: ~2.2 GB once); DEVICE=cpu stays lean.
SETUP_DEVICE := $(if $(filter cuda,$(DEVICE)),cuda,)

.PHONY: all setup build moons mnist fashion report submission test test-burn bench tensorboard clean
all: moons

setup:
	scripts/setup

build: setup
	$(CARGO) build --release --bins

# Part 1: sections (a)-(e) with the three activations and the hidden-size sweep, then (f).
moons: build
	$(BIN)/three_layer --activation tanh,sigmoid,relu --runs $(RUNS) --quiet
	$(BIN)/three_layer --activation tanh --hidden 1,2,3,4,5,20,50 --runs $(RUNS) --quiet
	$(BIN)/n_layer --dataset moons --depth 1,2,4 --width 10 --activation tanh,relu --runs $(RUNS) --quiet
	$(BIN)/n_layer --dataset circles --depth 1,3 --width 5,20 --runs $(RUNS) --quiet
	for d in iris wine breast-cancer digits; do \
	  $(BIN)/n_layer --dataset $$d --depth 1,3 --width 20 --epsilon 0.001 --passes 5000 --runs $(RUNS) --quiet || exit 1; \
	done
	@echo "figures and TensorBoard runs are in $(RUNS)/; view them with: make tensorboard"

# Part 2: the DCN on MNIST (DEVICE=cpu|cuda; ARGS="--iterations 2200" etc.).
mnist: build
	scripts/setup mnist $(SETUP_DEVICE)
	$(BIN)/mnist_dcn --device $(DEVICE) --runs $(RUNS) $(ARGS)

fashion: build
	scripts/setup fashion $(SETUP_DEVICE)
	$(BIN)/mnist_dcn --dataset fashion --data data/fashion --device $(DEVICE) --runs $(RUNS) $(ARGS)

# The assignment's report: $(REPORT_DIR)/REPORT.pdf and REPORT.md, every section, 3 seeds per compared
# configuration. GRID=quick (CPU, about 10 minutes) unless DEVICE=cuda (GRID=full); GRID=standard on the
# CPU (about an hour) adds the assignment's 20,000-iteration run and part (c) on full MNIST. `report --help`
# describes each grid. Runs are cached in $(REPORT_DIR)/runs and reused.
REPORT_DIR ?= report
ifeq ($(DEVICE),cuda)
GRID ?= full
else
GRID ?= quick
endif
report: build
	scripts/setup mnist test report $(SETUP_DEVICE)
	$(BIN)/report --grid $(GRID) --device $(DEVICE) --out $(REPORT_DIR)

# What the assignment asks students to hand in: NETID-assignment1.zip with the code (the tracked files)
# and $(REPORT_DIR)/REPORT.pdf (made first if needed).
submission:
	@[ -n "$(NETID)" ] || { echo "make submission: give your NetID: make submission NETID=abc1" >&2; exit 1; }
	[ -f $(REPORT_DIR)/REPORT.pdf ] || $(MAKE) report
	scripts/submission $(NETID) $(REPORT_DIR)/REPORT.pdf

# Each test runs once: the SummaryWriter crate on its own (no libtorch: its `tch` feature off), its
# tch-only tests, then nnlab (the unit tests beside the code first: `cargo test --release --lib` alone
# takes seconds); TensorBoard's own server from .venv-test checks the event files.
TB_PY := TENSORBOARD_PYTHON=$(CURDIR)/.venv-test/bin/python
test:
	scripts/setup test
	$(TB_PY) $(CARGO) test --release -p tensorboard-writer --no-fail-fast
	$(TB_PY) $(CARGO) test --release -p tensorboard-writer --features tch --test tensor --no-fail-fast
	$(TB_PY) $(CARGO) test --release -p nnlab --no-fail-fast

# The crate's burn logger (feature `burn`): a burn Learner trained for two epochs, its runs read back by
# TensorBoard. Not part of `make test`: burn-train and its ~230 crates add about 12 CPU-minutes to a cold
# build (2026-12-07: 708 s CPU; 23 min 49 s wall on the 2 shared cores at load 7-13), the test 2 s.
test-burn:
	scripts/setup test
	TENSORBOARD_PYTHON=$(CURDIR)/.venv-test/bin/python $(CARGO) test --release -p tensorboard-writer --features burn --test burn_learner

bench: build
	scripts/setup test bench mnist $(SETUP_DEVICE)
	DEVICE=$(DEVICE) scripts/bench/run

# Every run under $(RUNS) at http://127.0.0.1:$(TB_PORT)/. TensorBoard keeps only 1,000 points per
# scalar tag (10 images, 100 histograms) unless told otherwise, and 0 would show none: keep them all.
TB_PORT  ?= 6006
TB_FLAGS ?= --samples_per_plugin scalars=100000,images=1000,histograms=100000
tensorboard:
	scripts/setup test
	@echo "TensorBoard on $(RUNS)/: open http://127.0.0.1:$(TB_PORT)/ (Ctrl-C stops it)"
	.venv-test/bin/tensorboard --logdir $(RUNS) --host 127.0.0.1 --port $(TB_PORT) $(TB_FLAGS)

clean:
	rm -rf target
