# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The decision model's tree walk, compiled: each row of a page down each tree, summing a table at
the leaves. Same arrays and the same splits as `cleaner.decide.model.Forest.leaves` (the numpy
reference the tests compare it with): go left when ``x <= threshold``, or when ``x`` is NaN and
the node sends missing values left."""

from cython cimport floating


def sum_at_leaves(const floating[:, ::1] x, const int[::1] feature, const double[::1] threshold,
                  const unsigned char[::1] nan_left, const int[:, ::1] children, const int[::1] roots,
                  const int[::1] depths, const double[:, ::1] table, double[:, ::1] out) -> None:
    """Add to ``out[i]`` the rows of `table` at the leaves row ``x[i]`` reaches, over all trees.

    Branch-free: every row takes ``depths[t]`` steps down tree ``t`` (a leaf is its own child on
    both sides and reads a real column, ``feature`` 0), the step to ``children[node, go_left]``."""
    cdef Py_ssize_t blk, i, b, t, c, rows, n = x.shape[0], n_trees = roots.shape[0], width = table.shape[1]
    cdef int node[16]  # a block of 16 rows walked down a tree together: their independent steps overlap
    cdef int step, k, go_left
    cdef double v
    with nogil:
        for blk in range((n + 15) // 16):
            i = blk * 16
            rows = min(16, n - i)
            for t in range(n_trees):
                for b in range(rows):
                    node[b] = roots[t]
                for step in range(depths[t]):
                    for b in range(rows):
                        k = node[b]
                        v = x[i + b, feature[k]]
                        go_left = (v <= threshold[k]) | ((v != v) & nan_left[k])
                        node[b] = children[k, go_left]
                for b in range(rows):
                    for c in range(width):
                        out[i + b, c] += table[node[b], c]
