"""Reading saved .npy arrays from several threads."""

import threading

import numpy as np

# numpy reads a .npy header with ast.literal_eval, and CPython 3.11's AST constructor
# keeps its recursion depth per process, not per thread: two threads opening saved
# indexes at once can fail with "AST constructor recursion depth mismatch" (seen in a
# test where a reader opens the matcher while a rebuild saves). Opening is rare and
# cheap, so one lock for every .npy this package and the matcher read.
_NPY_LOCK = threading.Lock()


def load_npy(path, mmap_mode=None):
    """``np.load`` of one .npy file, one thread at a time (see ``_NPY_LOCK``)."""
    with _NPY_LOCK:
        return np.load(path, mmap_mode=mmap_mode)
