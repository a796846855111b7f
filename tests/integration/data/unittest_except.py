# SPDX-License-Identifier: MIT
"""Runs one module of Python's test suite like `python3 -m unittest -q
test.MODULE`, leaving out the test methods named after it (those that
need what lbox does not have yet: fork, FIFOs), so that the rest is
compared with the same run natively.

    python3 unittest_except.py MODULE [METHOD ...]
"""
import sys
import unittest


def leave_out(suite, names):
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out.addTest(leave_out(t, names))
        elif t.id().rsplit('.', 1)[-1] not in names:
            out.addTest(t)
    return out


def main():
    mod, names = sys.argv[1], set(sys.argv[2:])
    suite = unittest.defaultTestLoader.loadTestsFromName('test.' + mod)
    result = unittest.TextTestRunner(verbosity=0).run(leave_out(suite, names))
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == '__main__':
    main()
