# The learner's loop (CURRICULUM §2). Every target is a thin wrapper over a python twin:
# `make check LESSON=1` is `python -m kata check 1`, and so on (see README.md).
# The first target you run creates .venv and installs requirements.txt into it.
#
# A new command is a small block: its target (one recipe line calling `$(KATA) <command>`),
# its name in .PHONY, and one line in `help`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready
KATA   := $(PY) -m kata

# The reports suggest commands spelled the way they were run: `make hint LESSON=4` here.
export KATA_VIA := make

CHECK_ARGS = $(LESSON) $(if $(IMPL),--impl "$(IMPL)") $(if $(V),--verbose) $(if $(ALL),--all)

.DEFAULT_GOAL := help
.PHONY: help check watch hint progress restore reset solution list test bench FORCE

help:
	@echo "Circuit breaker kata: the learner's loop"
	@echo ""
	@echo "  make check                    grade the first lesson not yet passed"
	@echo "  make check LESSON=n           grade lesson n (ALL=1 every failure in full, IMPL=dir another folder, V=1 pytest's output)"
	@echo "  make watch [LESSON=n]         grade again on every save; after a pass, Enter moves on"
	@echo "  make hint LESSON=n [N=k]      the next hint for lesson n (N=k: hint k again)"
	@echo "  make progress                 every lesson: passed / k of m checks / not started, and a summary"
	@echo "  make restore LESSON=n         bring back your file from a snapshot (lists them; PICK=k picks one)"
	@echo "  make reset LESSON=n           restore the starter (asks first, keeps your version; YES=1 skips the question)"
	@echo "  make solution LESSON=n        show the reference solution (spoiler; asks first)"
	@echo "  make list                     the lessons"
	@echo "  make test                     the project's own test suite (what CI runs)"
	@echo "  make bench                    grading time per lesson against the pytest floor, and the breaker's cost"
	@echo "  make quiz [LESSON=n]          interview practice: the lessons you passed (ALL=1 every lesson, LIST=1 the schedule)"
	@echo "  make cards [OUT=file]         the interview questions as a file Anki imports"
	@echo "  make mutants [LESSON=n]       mutation testing: do the checks kill every mutant of the references? (JOBS=2)"
	@echo "  make serve [NAME=users]       a flaky service on 127.0.0.1 to poke at with curl (ARGS=\"--fail-rate 0.5\")"
	@echo "  make capstone [IMPL=dir]      lesson 13's scene: a slow C takes A down, then your breakers stop it"
	@echo ""
	@echo "Without make: python -m kata <command> [n] (after: python -m venv .venv && .venv/bin/pip install -r requirements.txt)"

$(READY): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The kata needs Python 3.11 or newer; found Python %d.%d at %s. Set PYTHON=/path/to/python3.11." % (sys.version_info[:2] + (sys.executable,)))'
	@echo "First run: setting up $(VENV) with pytest, requests and responses (about half a minute, once)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt || { \
		echo "Installing requirements.txt into $(VENV) failed (see above). Fix that, then run make again."; \
		rm -rf $(VENV); exit 2; }
	@touch $(READY)
	@echo "$(VENV) is ready."
	@echo ""

# `make check` without make's "make: *** [Makefile:NN: check] Error 1" line.
# A failing recipe makes GNU make print that line (learners read it as a crash), and make
# itself can only exit 0 or 2. Its one silent non-zero exit is question mode (-q): status 1,
# "a goal is not up to date". So, when `check` is the only goal, the grading runs as the
# recipe of an included file; make then restarts (MAKE_RESTARTS is set), reads the status the
# grading wrote, and exits with it: 0; 1 silently (-q, under which `check` is out of date);
# 2 (bad input, a set-up problem) from the recipe below, with make's line. Where -q would not
# take effect, the recipe runs and exits 1 with the line: never a false 0.
ifeq ($(MAKECMDGOALS),check)
KATA_STATUS_FILE := .kata/make-check-$(shell echo $$PPID).mk
ifndef MAKE_RESTARTS
$(KATA_STATUS_FILE): $(READY) FORCE
	@mkdir -p .kata
	@$(KATA) check $(CHECK_ARGS); echo "KATA_STATUS := $$?" > $@
endif
-include $(KATA_STATUS_FILE)
ifdef KATA_STATUS
$(shell rm -f $(KATA_STATUS_FILE))
ifeq ($(KATA_STATUS),1)
MAKEFLAGS += -q
endif
endif
endif

check: $(READY)
ifdef KATA_STATUS
	@exit $(KATA_STATUS)
else
	@$(KATA) check $(CHECK_ARGS)
endif

watch: $(READY)
	@$(KATA) watch $(LESSON) $(if $(IMPL),--impl "$(IMPL)")

hint: $(READY)
	@$(KATA) hint $(LESSON) $(if $(N),-n $(N))

progress: $(READY)
	@$(KATA) progress

restore: $(READY)
	@$(KATA) restore $(LESSON) $(if $(PICK),--pick $(PICK))

reset: $(READY)
	@$(KATA) reset $(LESSON) $(if $(YES),--yes)

solution: $(READY)
	@$(KATA) solution $(LESSON) $(if $(YES),--yes)

list: $(READY)
	@$(KATA) list

test: $(READY)
	@$(KATA) test

bench: $(READY)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@$(PY) bench/benchmark.py

# Interview practice (kata/quiz/, kata/cards.py): the Interview corners as a self-quiz and as
# Anki cards.
.PHONY: quiz cards
quiz: $(READY)
	@$(PY) -m kata quiz $(LESSON) $(if $(ALL),--all) $(if $(LIST),--list)

cards: $(READY)
	@$(PY) -m kata cards $(LESSON) $(if $(OUT),--out "$(OUT)")
# Mutation testing of the references (contributors; not part of `make test`): kata/mutants/.
.PHONY: mutants
mutants: $(READY)
	@$(PY) -m kata mutants $(LESSON) $(if $(JOBS),--jobs $(JOBS))

# A flaky fake service in the foreground (Ctrl-C stops it): python -m fake_services serve --help
.PHONY: serve
serve: $(READY)
	@$(PY) -m fake_services serve $(or $(NAME),users) $(ARGS)

# Lesson 13's scene without grading (kata/capstone/): the cascade, then your placement.
.PHONY: capstone
capstone: $(READY)
	@$(PY) -m kata capstone $(if $(IMPL),--impl "$(IMPL)")

FORCE:
