# The learner's loop (CURRICULUM §2). Every target is a thin wrapper over a python twin:
# `make check LESSON=1` is `python -m kata check 1`, and so on (see README.md).
# The first target you run creates .venv and installs requirements.txt into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.ready

.DEFAULT_GOAL := help
.PHONY: help check hint progress watch reset solution test list bench

help:
	@echo "Circuit breaker kata: the learner's loop"
	@echo ""
	@echo "  make list                     the lessons"
	@echo "  make check LESSON=n           grade lesson n (IMPL=dir grades another folder, V=1 shows pytest)"
	@echo "  make hint LESSON=n            the next hint for lesson n"
	@echo "  make progress                 every lesson: passed / k of m checks / not started"
	@echo "  make watch LESSON=n           grade again on every save"
	@echo "  make reset LESSON=n           restore the starter (asks first, keeps a backup; YES=1 skips the question)"
	@echo "  make solution LESSON=n        show the reference solution (spoiler; asks first)"
	@echo "  make test                     the project's own test suite (what CI runs)"
	@echo "  make bench                    grading times and the breaker's cost per call"
	@echo "  make quiz [LESSON=n]          interview practice: the lessons you passed (ALL=1 every lesson, LIST=1 the schedule)"
	@echo "  make cards [OUT=file]         the interview questions as a file Anki imports"
	@echo "  make mutants [LESSON=n]       mutation testing: do the checks kill every mutant of the references? (JOBS=2)"
	@echo "  make serve [NAME=users]       a flaky service on 127.0.0.1 to poke at with curl (ARGS=\"--fail-rate 0.5\")"
	@echo "  make capstone [IMPL=dir]      lesson 13's scene: a slow C takes A down, then your breakers stop it"
	@echo ""
	@echo "Without make: python -m kata <command> [n] (after: python -m venv .venv && .venv/bin/pip install -r requirements.txt)"

$(READY): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The kata needs Python 3.11 or newer; found Python %d.%d at %s. Set PYTHON=/path/to/python3.11." % (sys.version_info[:2] + (sys.executable,)))'
	@echo "Setting up $(VENV) (first run only)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(READY)

check: $(READY)
	@$(PY) -m kata check $(LESSON) $(if $(IMPL),--impl "$(IMPL)") $(if $(V),--verbose)

hint: $(READY)
	@$(PY) -m kata hint $(LESSON)

progress: $(READY)
	@$(PY) -m kata progress

watch: $(READY)
	@$(PY) -m kata watch $(LESSON) $(if $(IMPL),--impl "$(IMPL)")

reset: $(READY)
	@$(PY) -m kata reset $(LESSON) $(if $(YES),--yes)

solution: $(READY)
	@$(PY) -m kata solution $(LESSON) $(if $(YES),--yes)

list: $(READY)
	@$(PY) -m kata list

test: $(READY)
	@$(PY) -m kata test

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
