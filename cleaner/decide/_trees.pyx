# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The decision model's tree walk, compiled: each row of a page down each tree, summing a table at
the leaves. Same arrays and the same splits as `cleaner.decide.model.Forest.leaves` (the numpy
reference the tests compare it with): go left when ``x <= threshold``, or when ``x`` is NaN and
the node sends missing values left."""

from cython cimport floating


def sum_at_leaves(const floating[:, ::1] x, const int[::1] feature, const double[::1] threshold,
                  const unsigned char[::1] nan_left, const int[::1] left, const int[::1] right,
                  const int[::1] roots, const double[:, ::1] table, double[:, ::1] out) -> None:
    """Add to ``out[i]`` the rows of `table` at the leaves row ``x[i]`` reaches, over all trees."""
    cdef Py_ssize_t i, t, c, n = x.shape[0], n_trees = roots.shape[0], width = table.shape[1]
    cdef int node, f
    cdef double v
    with nogil:
        for i in range(n):
            for t in range(n_trees):
                node = roots[t]
                f = feature[node]
                while f >= 0:
                    v = x[i, f]
                    if v <= threshold[node] or (v != v and nan_left[node]):
                        node = left[node]
                    else:
                        node = right[node]
                    f = feature[node]
                for c in range(width):
                    out[i, c] += table[node, c]
