"""Loaded by schemathesis through SCHEMATHESIS_HOOKS (see test_schemathesis.py).

The challenge body is a deeply nested schema; while walking it, Hypothesis parses its own
sources to describe filters and, near CPython's default limit of 1000 frames, Python 3.11's
compiler fails with "SystemError: AST constructor recursion depth mismatch" — a crash of the
tool, reproducible with our fixed seed, that says nothing about the app. A higher limit lets the
walk finish; the generated cases and checks are unchanged.
"""

import sys
import threading

sys.setrecursionlimit(20_000)
threading.stack_size(64 * 1024 * 1024)  # worker threads get room for the deeper stack
