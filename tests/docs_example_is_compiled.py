#!/usr/bin/python3
"""The worked example of docs/adding_a_problem.md is the compiled file: its first C++ block must
equal problems/zermelo.hpp (which the build compiles and examples/zermelo.cpp checks)."""
import re
import sys

root = sys.argv[1]
doc = open(f"{root}/docs/adding_a_problem.md").read()
block = re.search(r"```cpp\n(.*?)```\n", doc, re.S).group(1)
source = open(f"{root}/problems/zermelo.hpp").read()
if block != source:
    print("docs/adding_a_problem.md's first C++ block differs from problems/zermelo.hpp")
    sys.exit(1)
print("docs/adding_a_problem.md shows problems/zermelo.hpp exactly")
