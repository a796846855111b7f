# SPDX-License-Identifier: MIT
"""Runs one module of Python's test suite and prints each test's outcome,
one "ID OUTCOME" line per test (ok, fail, error, skip, xfail, xpass),
sorted, so a native run and an lbox run can be compared test by test.
CLASS patterns (fnmatch) keep only the tests of matching classes,
!CLASS patterns leave out those of matching ones, and -NAME the test
methods so named.

    python3 unittest_results.py MODULE [CLASS | !CLASS | -NAME ...]
"""
import fnmatch
import io
import sys
import unittest


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _put(self, test, outcome):
        # A failing subtest and the test's own success both report: keep
        # the worst.
        tid = test.id() if not hasattr(test, 'test_case') else \
            test.test_case.id()
        rank = ['ok', 'xfail', 'skip', 'xpass', 'fail', 'error']
        old = self.outcomes.get(tid)
        if old is None or rank.index(outcome) > rank.index(old):
            self.outcomes[tid] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self._put(test, 'ok')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._put(test, 'fail')

    def addError(self, test, err):
        super().addError(test, err)
        self._put(test, 'error')

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._put(test, 'skip')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._put(test, 'xfail')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._put(test, 'xpass')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._put(subtest, 'fail' if failed else 'error')


def keep(suite, patterns):
    """The tests of classes matching a pattern (all when none is given),
    but for those of classes matching !PATTERN and the methods named
    -NAME."""
    take = [p for p in patterns if p[0] not in '!-']
    drop = [p[1:] for p in patterns if p[0] == '!']
    names = {p[1:] for p in patterns if p[0] == '-'}
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out.addTest(keep(t, patterns))
            continue
        name = type(t).__name__
        if take and not any(fnmatch.fnmatch(name, p) for p in take):
            continue
        if any(fnmatch.fnmatch(name, p) for p in drop):
            continue
        if t.id().rsplit('.', 1)[-1] not in names:
            out.addTest(t)
    return out


def main():
    mod, patterns = sys.argv[1], sys.argv[2:]
    suite = unittest.defaultTestLoader.loadTestsFromName('test.' + mod)
    if patterns:
        suite = keep(suite, patterns)
    runner = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0,
                                     resultclass=Recorder)
    result = runner.run(suite)
    for tid in sorted(result.outcomes):
        print(tid, result.outcomes[tid])
    sys.stdout.flush()


if __name__ == '__main__':
    main()
