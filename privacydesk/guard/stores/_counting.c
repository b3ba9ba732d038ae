/* The memory store's counting loop in C (issue #4: the in-memory detector >= 30x fail2ban).
 *
 * count_batch() is privacydesk/guard/stores/counting.py's count_batch() statement for
 * statement: same arguments, same results, the same table left behind (entry for entry, in
 * the same order: a touched entry is popped and inserted again at the end, which is the
 * store's recency order). The records are the Python objects memory.py describes (a compact
 * int, or a suspect's list [window start, current, previous, first seen, rule counts, paths])
 * so every other method of the store keeps working on the same dict.
 * tests/guard/test_memory_accelerated.py runs both on random batches and compares.
 *
 * Contracts kept here:
 *  - Every error returns NULL with an exception set (never a crash): a web worker runs this.
 *    As in the Python loop, an exception leaves the entries counted so far counted.
 *  - Every reference held across a call that may run Python code (dict operations on rule
 *    and path objects, the callbacks) is owned, not borrowed.
 *  - Arithmetic: memory.py calls this only with 0 <= t < 2**40 and 1 <= window < 2**40, and
 *    a record holds values below t + window; a record value outside [0, 2**42) is refused
 *    (OverflowError) rather than computed with a wrapped result. The threshold test uses
 *    128-bit products, exact for any 64-bit operands.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef __SIZEOF_INT128__
#error "the threshold test needs 128-bit integers (gcc or clang on a 64-bit machine)"
#endif

#define M28 ((1LL << 28) - 1)
#define RECORD_MAX (1LL << 42)
#define PATH_CLIP 200

typedef struct {
    PyObject *counts, *crossed;
    long long t, base, window, window2, limit, fresh;
    Py_ssize_t max_paths;
    PyObject *rule_bits, *path_bits, *rule_of_bit, *path_table;
    PyObject *evidence_of, *now, *fnow, *path_id, *rules_of;
    PyObject *one;  /* the int 1, owned */
    Py_ssize_t suspects;
} Batch;

/* counts.pop(k, None): a new reference (Py_None when absent), NULL on error. */
static PyObject *
pop_or_none(PyObject *d, PyObject *key)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *v;
    int r = PyDict_Pop(d, key, &v);
    if (r < 0)
        return NULL;
    if (r == 0)
        Py_RETURN_NONE;
    return v;
#else
    return _PyDict_Pop(d, key, Py_None);
#endif
}

/* cur * window + prev * (window - elapsed) >= limit, exactly. */
static int
reaches(const Batch *b, long long cur, long long prev, long long elapsed)
{
    __int128 estimate = (__int128)cur * b->window + (__int128)prev * (b->window - elapsed);
    return estimate >= (__int128)b->limit;
}

/* A record's int item, refused unless in [0, RECORD_MAX). */
static int
record_value(PyObject *o, long long *out)
{
    long long x = PyLong_AsLongLong(o);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (x < 0 || x >= RECORD_MAX) {
        PyErr_SetString(PyExc_OverflowError, "guard memory store: record value out of range");
        return -1;
    }
    *out = x;
    return 0;
}

/* v[i] = x (v a list record). */
static int
set_value(PyObject *v, Py_ssize_t i, long long x)
{
    PyObject *o = PyLong_FromLongLong(x);
    if (o == NULL)
        return -1;
    return PyList_SetItem(v, i, o);  /* steals o, also on failure */
}

/* A suspect's list record: checked for its shape, so the items read below exist. */
static int
check_record(PyObject *v)
{
    if (PyList_GET_SIZE(v) != 6 || !PyDict_Check(PyList_GET_ITEM(v, 4))
            || !PyList_Check(PyList_GET_ITEM(v, 5))) {
        PyErr_SetString(PyExc_TypeError, "guard memory store: malformed suspect record");
        return -1;
    }
    return 0;
}

/* found[rule] = found.get(rule, 0) + 1 */
static int
bump(const Batch *b, PyObject *found, PyObject *rule)
{
    PyObject *old = PyDict_GetItemWithError(found, rule);  /* borrowed */
    PyObject *n;
    int r;
    if (old == NULL) {
        if (PyErr_Occurred())
            return -1;
        n = Py_NewRef(b->one);
    }
    else {
        Py_INCREF(old);  /* the next call may run Python code (rule's __eq__) */
        n = PyNumber_Add(old, b->one);
        Py_DECREF(old);
    }
    if (n == NULL)
        return -1;
    r = PyDict_SetItem(found, rule, n);
    Py_DECREF(n);
    return r;
}

/* path[:200] */
static PyObject *
clip(PyObject *path)
{
    if (PyUnicode_CheckExact(path) && PyUnicode_GET_LENGTH(path) <= PATH_CLIP)
        return Py_NewRef(path);
    return PySequence_GetSlice(path, 0, PATH_CLIP);
}

/* paths.append(path[:200]) */
static int
append_clipped(PyObject *paths, PyObject *path)
{
    PyObject *c = clip(path);
    int r;
    if (c == NULL)
        return -1;
    r = PyList_Append(paths, c);
    Py_DECREF(c);
    return r;
}

/* if path and path not in paths and (cap < 0 or len(paths) < cap): append path[:200] */
static int
add_path(PyObject *paths, PyObject *path, Py_ssize_t cap)
{
    int r = PyObject_IsTrue(path);
    if (r <= 0)
        return r;
    r = PySequence_Contains(paths, path);
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (cap >= 0 && PyList_GET_SIZE(paths) >= cap)
        return 0;
    return append_clipped(paths, path);
}

/* crossed[subject] = evidence_of((found, first, now, paths)) */
static int
cross(Batch *b, PyObject *subject, PyObject *found, PyObject *first, PyObject *paths)
{
    PyObject *args = PyTuple_Pack(4, found, first, b->now, paths);
    PyObject *evidence;
    int r;
    if (args == NULL)
        return -1;
    evidence = PyObject_CallOneArg(b->evidence_of, args);
    Py_DECREF(args);
    if (evidence == NULL)
        return -1;
    r = PyDict_SetItem(b->crossed, subject, evidence);
    Py_DECREF(evidence);
    return r;
}

/* path_table[x >> 48], a new reference. */
static PyObject *
first_path_of(const Batch *b, long long x)
{
    Py_ssize_t i = (Py_ssize_t)(x >> 48);
    if (i >= PyList_GET_SIZE(b->path_table)) {
        PyErr_SetString(PyExc_IndexError, "list index out of range");
        return NULL;
    }
    return Py_NewRef(PyList_GET_ITEM(b->path_table, i));
}

/* rule_of_bit.get(x >> 40 & 255): a new reference, or NULL (an error set or not). */
static PyObject *
first_rule_of(const Batch *b, long long x)
{
    PyObject *mask = PyLong_FromLongLong(x >> 40 & 255), *rule;
    if (mask == NULL)
        return NULL;
    rule = PyDict_GetItemWithError(b->rule_of_bit, mask);
    Py_DECREF(mask);
    return Py_XNewRef(rule);
}

/* found, paths = rules_of(x): new references in *found and *paths. */
static int
call_rules_of(const Batch *b, PyObject *x, PyObject **found, PyObject **paths)
{
    PyObject *pair = PyObject_CallOneArg(b->rules_of, x);
    if (pair == NULL)
        return -1;
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2
            || !PyDict_Check(PyTuple_GET_ITEM(pair, 0))
            || !PyList_Check(PyTuple_GET_ITEM(pair, 1))) {
        Py_DECREF(pair);
        PyErr_SetString(PyExc_TypeError, "rules_of must return (dict, list)");
        return -1;
    }
    *found = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    *paths = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    Py_DECREF(pair);
    return 0;
}

/* A new list record [ws, cur, prev, first, found, paths]; steals first, found and paths
 * (also on failure). */
static PyObject *
new_record(long long ws, long long cur, long long prev, PyObject *first, PyObject *found,
           PyObject *paths)
{
    PyObject *v = PyList_New(6), *a, *c, *p;
    if (v == NULL) {
        Py_DECREF(first);
        Py_DECREF(found);
        Py_DECREF(paths);
        return NULL;
    }
    PyList_SET_ITEM(v, 3, first);
    PyList_SET_ITEM(v, 4, found);
    PyList_SET_ITEM(v, 5, paths);
    a = PyLong_FromLongLong(ws);
    c = PyLong_FromLongLong(cur);
    p = PyLong_FromLongLong(prev);
    if (a == NULL || c == NULL || p == NULL) {
        Py_XDECREF(a);
        Py_XDECREF(c);
        Py_XDECREF(p);
        PyList_SET_ITEM(v, 0, Py_NewRef(Py_None));  /* a complete list for its dealloc */
        PyList_SET_ITEM(v, 1, Py_NewRef(Py_None));
        PyList_SET_ITEM(v, 2, Py_NewRef(Py_None));
        Py_DECREF(v);
        return NULL;
    }
    PyList_SET_ITEM(v, 0, a);
    PyList_SET_ITEM(v, 1, c);
    PyList_SET_ITEM(v, 2, p);
    return v;
}

/* One signal from a subject whose record is a suspect's list: 1 done, 0 the record has
 * expired (the caller starts afresh), -1 error. Borrows v. */
static int
single_on_list(Batch *b, PyObject *k, PyObject *subject, PyObject *v, PyObject *rule,
               PyObject *path)
{
    long long ws, cur, prev, elapsed;
    PyObject *found, *paths, *first;
    int r;
    if (check_record(v) < 0 || record_value(PyList_GET_ITEM(v, 0), &ws) < 0
            || record_value(PyList_GET_ITEM(v, 1), &cur) < 0
            || record_value(PyList_GET_ITEM(v, 2), &prev) < 0)
        return -1;
    elapsed = b->t - ws;
    if (elapsed < b->window) {  /* only the count moves */
        cur += 1;
        if (set_value(v, 1, cur) < 0)
            return -1;
    }
    else if (elapsed < b->window2) {  /* a new window; the last one still weighs in */
        prev = cur;
        cur = 1;
        elapsed -= b->window;
        if (set_value(v, 0, ws + b->window) < 0 || set_value(v, 1, cur) < 0
                || set_value(v, 2, prev) < 0)
            return -1;
    }
    else {  /* both windows over */
        b->suspects -= 1;
        return 0;
    }
    found = Py_NewRef(PyList_GET_ITEM(v, 4));
    paths = Py_NewRef(PyList_GET_ITEM(v, 5));
    first = Py_NewRef(PyList_GET_ITEM(v, 3));
    r = bump(b, found, rule);
    if (r == 0)
        r = add_path(paths, path, b->max_paths);
    if (r == 0) {
        if (reaches(b, cur, prev, elapsed)) {
            b->suspects -= 1;
            /* v[5], as the Python loop reads it here (the same list as `paths`) */
            r = cross(b, subject, found, first, paths);
        }
        else
            r = PyDict_SetItem(b->counts, k, v);
    }
    Py_DECREF(found);
    Py_DECREF(paths);
    Py_DECREF(first);
    return r < 0 ? -1 : 1;
}

/* One signal from a subject with a compact record (its second signal, or a packed suspect's
 * next): 1 done, 0 the record has expired, -1 error. Borrows v. */
static int
single_on_int(Batch *b, PyObject *k, PyObject *subject, PyObject *v, PyObject *rule,
              PyObject *path)
{
    long long x, ws, cur, prev, elapsed;
    PyObject *first, *first_rule, *found = NULL, *paths = NULL, *record;
    int r = -1;
    x = PyLong_AsLongLong(v);
    if (x == -1 && PyErr_Occurred())
        return -1;
    ws = x & M28;
    elapsed = b->t - ws;
    if (elapsed >= b->window2)
        return 0;
    first = PyFloat_FromDouble((double)(b->base + ws));
    if (first == NULL)
        return -1;
    if (elapsed < b->window) {
        cur = (x >> 28 & 63) + 1;
        prev = x >> 34 & 63;
    }
    else {
        cur = 1;
        prev = x >> 28 & 63;
        ws += b->window;
        elapsed -= b->window;
    }
    first_rule = first_rule_of(b, x);
    if (first_rule != NULL) {  /* one signal so far: {first_rule: 1, rule: (rule == first_rule) + 1} */
        PyObject *first_path = NULL;
        int same = 0;
        found = PyDict_New();
        if (found == NULL || PyDict_SetItem(found, first_rule, b->one) < 0
                || (same = PyObject_RichCompareBool(rule, first_rule, Py_EQ)) < 0)
            goto single_done;
        {
            PyObject *n = PyLong_FromLong(same + 1);
            if (n == NULL)
                goto single_done;
            same = PyDict_SetItem(found, rule, n);
            Py_DECREF(n);
            if (same < 0)
                goto single_done;
        }
        first_path = first_path_of(b, x);
        if (first_path == NULL)
            goto single_done;
        r = PyObject_IsTrue(first_path);
        if (r < 0)
            goto single_done;
        paths = r ? PyList_New(1) : PyList_New(0);
        if (paths == NULL) {
            r = -1;
            goto single_done;
        }
        if (r)
            PyList_SET_ITEM(paths, 0, Py_NewRef(first_path));
        r = PyObject_IsTrue(path);
        if (r > 0) {  /* if path and path != first_path */
            r = PyObject_RichCompareBool(path, first_path, Py_NE);
            if (r > 0)
                r = append_clipped(paths, path);
        }
    single_done:
        Py_XDECREF(first_path);
        Py_DECREF(first_rule);
        if (found == NULL || paths == NULL)
            r = -1;
    }
    else if (PyErr_Occurred())
        r = -1;
    else {  /* a suspect packed small earlier (MemoryStore._demote) */
        r = call_rules_of(b, v, &found, &paths);
        if (r == 0)
            r = bump(b, found, rule);
        if (r == 0)
            r = add_path(paths, path, -1);
    }
    if (r < 0) {
        Py_DECREF(first);
        Py_XDECREF(found);
        Py_XDECREF(paths);
        return -1;
    }
    if (reaches(b, cur, prev, elapsed)) {
        r = cross(b, subject, found, first, paths);
        Py_DECREF(first);
        Py_DECREF(found);
        Py_DECREF(paths);
        return r < 0 ? -1 : 1;
    }
    record = new_record(ws, cur, prev, first, found, paths);  /* steals the three */
    if (record == NULL)
        return -1;
    r = PyDict_SetItem(b->counts, k, record);
    Py_DECREF(record);
    if (r < 0)
        return -1;
    b->suspects += 1;
    return 1;
}

/* A first signal (or the first after both windows are over). */
static int
single_fresh(Batch *b, PyObject *k, PyObject *subject, PyObject *rule, PyObject *path)
{
    int r;
    if (b->fresh >= 0) {
        PyObject *in_place = PyDict_GetItemWithError(b->path_bits, path), *bits, *record;
        long long place, rule_bits;
        if (in_place != NULL) {
            place = PyLong_AsLongLong(in_place);
        }
        else {
            PyObject *pid;
            if (PyErr_Occurred())
                return -1;
            pid = PyObject_CallOneArg(b->path_id, path);
            if (pid == NULL)
                return -1;
            place = PyLong_AsLongLong(pid);
            Py_DECREF(pid);
            if (!(place == -1 && PyErr_Occurred())) {
                if (place < 0 || place >= (1LL << 12)) {
                    PyErr_SetString(PyExc_OverflowError, "guard memory store: path id out of range");
                    return -1;
                }
                place <<= 48;
            }
        }
        if (place == -1 && PyErr_Occurred())
            return -1;
        bits = PyDict_GetItemWithError(b->rule_bits, rule);
        if (bits == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetObject(PyExc_KeyError, rule);
            return -1;
        }
        rule_bits = PyLong_AsLongLong(bits);
        if (rule_bits == -1 && PyErr_Occurred())
            return -1;
        record = PyLong_FromLongLong(b->fresh | rule_bits | place);
        if (record == NULL)
            return -1;
        r = PyDict_SetItem(b->counts, k, record);
        Py_DECREF(record);
        return r;
    }
    else {  /* a threshold of one: the first signal crosses it */
        PyObject *found = PyDict_New(), *paths = NULL;
        r = -1;
        if (found == NULL || PyDict_SetItem(found, rule, b->one) < 0)
            goto fresh_done;
        paths = PyList_New(0);
        if (paths == NULL)
            goto fresh_done;
        r = PyObject_IsTrue(path);
        if (r > 0)
            r = append_clipped(paths, path);
        if (r == 0)
            r = cross(b, subject, found, b->fnow, paths);
    fresh_done:
        Py_XDECREF(found);
        Py_XDECREF(paths);
        return r;
    }
}

/* Unpack `_, rule, path = sig` into new references. */
static int
unpack_signal(PyObject *sig, PyObject **rule, PyObject **path)
{
    PyObject *t;
    if (PyTuple_CheckExact(sig) && PyTuple_GET_SIZE(sig) == 3) {
        *rule = Py_NewRef(PyTuple_GET_ITEM(sig, 1));
        *path = Py_NewRef(PyTuple_GET_ITEM(sig, 2));
        return 0;
    }
    t = PySequence_Tuple(sig);
    if (t == NULL)
        return -1;
    if (PyTuple_GET_SIZE(t) != 3) {
        if (PyTuple_GET_SIZE(t) > 3)
            PyErr_SetString(PyExc_ValueError, "too many values to unpack (expected 3)");
        else
            PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected 3, got %zd)",
                         PyTuple_GET_SIZE(t));
        Py_DECREF(t);
        return -1;
    }
    *rule = Py_NewRef(PyTuple_GET_ITEM(t, 1));
    *path = Py_NewRef(PyTuple_GET_ITEM(t, 2));
    Py_DECREF(t);
    return 0;
}

/* Several signals from one subject in this batch. Steals v (a record, or Py_None). */
static int
several(Batch *b, PyObject *k, PyObject *subject, PyObject *v, PyObject *group)
{
    long long ws, cur, prev, elapsed;
    Py_ssize_t n, i;
    PyObject *found = NULL, *paths = NULL, *seq = NULL;
    int r = -1;
    if (PyList_CheckExact(v)) {
        if (check_record(v) < 0 || record_value(PyList_GET_ITEM(v, 0), &ws) < 0)
            goto done;
        if (b->t - ws >= b->window2) {
            b->suspects -= 1;
            Py_SETREF(v, Py_NewRef(Py_None));
        }
    }
    else if (v != Py_None) {
        long long x = PyLong_AsLongLong(v);
        if (x == -1 && PyErr_Occurred())
            goto done;
        ws = x & M28;
        if (b->t - ws < b->window2) {
            PyObject *first_rule = first_rule_of(b, x), *first;
            if (first_rule != NULL) {  /* rules_of(v) of a one-signal record, inline */
                PyObject *first_path = first_path_of(b, x);
                int truth = first_path == NULL ? -1 : PyObject_IsTrue(first_path);
                found = truth < 0 ? NULL : PyDict_New();
                if (found != NULL && PyDict_SetItem(found, first_rule, b->one) < 0)
                    Py_CLEAR(found);
                if (found != NULL) {
                    paths = PyList_New(truth ? 1 : 0);
                    if (paths != NULL && truth)
                        PyList_SET_ITEM(paths, 0, Py_NewRef(first_path));
                }
                Py_XDECREF(first_path);
                Py_DECREF(first_rule);
                if (found == NULL || paths == NULL)
                    goto done;
            }
            else if (PyErr_Occurred() || call_rules_of(b, v, &found, &paths) < 0)
                goto done;
            first = PyFloat_FromDouble((double)(b->base + ws));
            if (first == NULL)
                goto done;
            Py_SETREF(v, new_record(ws, x >> 28 & 63, x >> 34 & 63, first, found, paths));
            found = paths = NULL;  /* stolen by new_record */
            if (v == NULL)
                goto done;
            b->suspects += 1;
        }
        else
            Py_SETREF(v, Py_NewRef(Py_None));
    }
    if (v == Py_None) {
        PyObject *first = Py_NewRef(b->fnow), *f = PyDict_New(), *p = PyList_New(0);
        if (f == NULL || p == NULL) {
            Py_DECREF(first);
            Py_XDECREF(f);
            Py_XDECREF(p);
            goto done;
        }
        Py_SETREF(v, new_record(b->t, 0, 0, first, f, p));
        if (v == NULL)
            goto done;
        b->suspects += 1;
    }
    if (check_record(v) < 0 || record_value(PyList_GET_ITEM(v, 0), &ws) < 0
            || record_value(PyList_GET_ITEM(v, 1), &cur) < 0
            || record_value(PyList_GET_ITEM(v, 2), &prev) < 0)
        goto done;
    elapsed = b->t - ws;
    if (elapsed >= b->window) {
        prev = cur;
        ws += b->window;
        elapsed -= b->window;
        cur = 0;
    }
    found = Py_NewRef(PyList_GET_ITEM(v, 4));
    paths = Py_NewRef(PyList_GET_ITEM(v, 5));
    n = PyObject_Length(group);
    if (n < 0)
        goto done;
    cur += n;
    seq = PySequence_Fast(group, "a group of signals must be a sequence");
    if (seq == NULL)
        goto done;
    for (i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *sig = Py_NewRef(PySequence_Fast_GET_ITEM(seq, i)), *rule, *path;
        int u = unpack_signal(sig, &rule, &path);
        Py_DECREF(sig);
        if (u < 0)
            goto done;
        u = bump(b, found, rule);
        if (u == 0)
            u = add_path(paths, path, b->max_paths);
        Py_DECREF(rule);
        Py_DECREF(path);
        if (u < 0)
            goto done;
    }
    if (reaches(b, cur, prev, elapsed)) {
        PyObject *first = Py_NewRef(PyList_GET_ITEM(v, 3));
        b->suspects -= 1;
        r = cross(b, subject, found, first, paths);
        Py_DECREF(first);
        goto done;
    }
    if (set_value(v, 0, ws) < 0 || set_value(v, 1, cur) < 0 || set_value(v, 2, prev) < 0)
        goto done;
    r = PyDict_SetItem(b->counts, k, v);
done:
    Py_XDECREF(v);
    Py_XDECREF(found);
    Py_XDECREF(paths);
    Py_XDECREF(seq);
    return r;
}

/* One group: pop its record, update it, put it back at the end (or report the crossing). */
static int
count_one(Batch *b, PyObject *k, PyObject *subject, PyObject *group)
{
    PyObject *v = pop_or_none(b->counts, k), *rule, *path;
    int r = 0;
    if (v == NULL)
        return -1;
    if (!PyTuple_CheckExact(group))
        return several(b, k, subject, v, group);  /* steals v */
    if (PyTuple_GET_SIZE(group) < 3) {
        Py_DECREF(v);
        PyErr_SetString(PyExc_IndexError, "tuple index out of range");
        return -1;
    }
    rule = Py_NewRef(PyTuple_GET_ITEM(group, 1));
    path = Py_NewRef(PyTuple_GET_ITEM(group, 2));
    if (PyList_CheckExact(v))
        r = single_on_list(b, k, subject, v, rule, path);
    else if (v != Py_None)
        r = single_on_int(b, k, subject, v, rule, path);
    if (r == 0)
        r = single_fresh(b, k, subject, rule, path);
    else if (r > 0)
        r = 0;
    Py_DECREF(v);
    Py_DECREF(rule);
    Py_DECREF(path);
    return r;
}

static int
arg_ll(PyObject *o, long long *out)
{
    long long x = PyLong_AsLongLong(o);
    if (x == -1 && PyErr_Occurred())
        return -1;
    *out = x;
    return 0;
}

PyDoc_STRVAR(count_batch_doc,
"count_batch(counts, keys, groups, t, base, window, limit, fresh, rule_bits, path_bits,\n"
"            rule_of_bit, path_table, max_paths, evidence_of, now, fnow, path_id, rules_of)\n"
"--\n\n"
"Count one folded batch into the memory store's table; return (crossed, suspects).\n"
"The same contract as privacydesk.guard.stores.counting.count_batch.");

static PyObject *
count_batch(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Batch b;
    PyObject *keys, *groups, *subject, *group, *result, *suspects;
    long long max_paths;
    Py_ssize_t pos = 0, i = 0, n;
    (void)module;
    if (nargs != 18) {
        PyErr_Format(PyExc_TypeError, "count_batch() takes 18 arguments (%zd given)", nargs);
        return NULL;
    }
    b.counts = args[0];
    keys = args[1];
    groups = args[2];
    b.rule_bits = args[8];
    b.path_bits = args[9];
    b.rule_of_bit = args[10];
    b.path_table = args[11];
    b.evidence_of = args[13];
    b.now = args[14];
    b.fnow = args[15];
    b.path_id = args[16];
    b.rules_of = args[17];
    if (!PyDict_Check(b.counts) || !PyList_Check(keys) || !PyDict_Check(groups)
            || !PyDict_Check(b.rule_bits) || !PyDict_Check(b.path_bits)
            || !PyDict_Check(b.rule_of_bit) || !PyList_Check(b.path_table)) {
        PyErr_SetString(PyExc_TypeError, "count_batch(): counts, groups and the tables must be "
                        "dicts, keys and path_table lists");
        return NULL;
    }
    if (arg_ll(args[3], &b.t) < 0 || arg_ll(args[4], &b.base) < 0
            || arg_ll(args[5], &b.window) < 0 || arg_ll(args[6], &b.limit) < 0
            || arg_ll(args[7], &b.fresh) < 0 || arg_ll(args[12], &max_paths) < 0)
        return NULL;
    if (b.t < 0 || b.t >= (1LL << 40) || b.window < 1 || b.window >= (1LL << 40)
            || b.base < -(1LL << 52) || b.base >= (1LL << 52)
            || max_paths < 0 || max_paths > PY_SSIZE_T_MAX) {
        PyErr_SetString(PyExc_OverflowError, "count_batch(): t, window, base or max_paths "
                        "out of range");
        return NULL;
    }
    b.window2 = 2 * b.window;
    b.max_paths = (Py_ssize_t)max_paths;
    b.suspects = 0;
    n = PyList_GET_SIZE(keys);
    if (n != PyDict_GET_SIZE(groups)) {
        PyErr_SetString(PyExc_ValueError, "count_batch(): one key per group");
        return NULL;
    }
    b.one = PyLong_FromLong(1);
    if (b.one == NULL)
        return NULL;
    b.crossed = PyDict_New();
    if (b.crossed == NULL) {
        Py_DECREF(b.one);
        return NULL;
    }
    while (PyDict_Next(groups, &pos, &subject, &group)) {
        PyObject *k;
        int r;
        if (i >= PyList_GET_SIZE(keys)) {
            PyErr_SetString(PyExc_RuntimeError, "count_batch(): the batch changed while counted");
            goto error;
        }
        k = Py_NewRef(PyList_GET_ITEM(keys, i));
        Py_INCREF(subject);
        Py_INCREF(group);
        r = count_one(&b, k, subject, group);
        Py_DECREF(k);
        Py_DECREF(subject);
        Py_DECREF(group);
        if (r < 0)
            goto error;
        i++;
    }
    if (i != n) {
        PyErr_SetString(PyExc_RuntimeError, "count_batch(): the batch changed while counted");
        goto error;
    }
    suspects = PyLong_FromSsize_t(b.suspects);
    if (suspects == NULL)
        goto error;
    result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(suspects);
        goto error;
    }
    PyTuple_SET_ITEM(result, 0, b.crossed);
    PyTuple_SET_ITEM(result, 1, suspects);
    Py_DECREF(b.one);
    return result;
error:
    Py_DECREF(b.crossed);
    Py_DECREF(b.one);
    return NULL;
}

static PyMethodDef methods[] = {
    {"count_batch", (PyCFunction)(void (*)(void))count_batch, METH_FASTCALL, count_batch_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_counting",
    .m_doc = "The memory store's counting loop in C (see privacydesk/guard/stores/counting.py).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__counting(void)
{
    return PyModuleDef_Init(&module);
}
