# SPDX-License-Identifier: MIT OR Apache-2.0
"""The README's examples run as written and print what it says they print.

Each ```python block of bindings/python/README.md that a ```text block
follows is run in a scratch directory (it may write files there); its
standard output must be that text."""

import contextlib
import io
import os
import re
import tempfile
import unittest

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "README.md")


def examples():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    pattern = r"```python\n(.*?)```\n(?:(?!```).)*?```text\n(.*?)```"
    return re.findall(pattern, text, re.S)


class Readme(unittest.TestCase):
    def test_there_are_examples(self):
        self.assertGreaterEqual(len(examples()), 2)

    def test_examples_print_what_the_readme_says(self):
        here = os.getcwd()
        for number, (code, expected) in enumerate(examples(), 1):
            with self.subTest(example=number), tempfile.TemporaryDirectory() as scratch:
                os.chdir(scratch)
                try:
                    out = io.StringIO()
                    with contextlib.redirect_stdout(out):
                        exec(compile(code, "README example %d" % number, "exec"), {})
                    picture = None
                    if os.path.exists("map.svg"):
                        with open("map.svg", encoding="utf-8") as f:
                            picture = f.read()
                finally:
                    os.chdir(here)
                self.assertEqual(out.getvalue(), expected)
                if picture is not None:  # the README says how it is coloured
                    self.assertIn('data-memory="normal"', picture)
                    self.assertIn('data-memory="device"', picture)


if __name__ == "__main__":
    unittest.main()
