#!/usr/bin/env python3
"""Wraps every exported entry point of libvgpu-cuda in traced() (shim/cuda/call_statistics.h).

Each `VGPU_EXPORT CUresult cuX(...) { body }` in shim/cuda/entry_*.cpp and shim/cuda/dark_api/*.cpp
becomes

    VGPU_EXPORT CUresult cuX(...) {
      return traced(ApiId::cuX, [&]() -> CUresult { body });
    }

so the control socket counts its calls, errors and latency. Idempotent: bodies already wrapped are
left alone. Run it after adding an entry point (generate-implemented-symbols.sh runs it with
--check and fails while an entry point is unwrapped; so does tests/telemetry's
test_entry_points_traced). Run clang-format on the changed files afterwards.

Usage: trace-entry-points.py [--check]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2] / "shim" / "cuda"
EXPORT = re.compile(r"VGPU_EXPORT CUresult (cu[A-Za-z0-9_]*)\(")


def skip_literal(text, i):
    """Index after the string/char literal or comment starting at text[i], or i when none starts."""
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        return text.index("*/", i) + 2
    if text[i] in "\"'":
        quote = text[i]
        i += 1
        while text[i] != quote:
            i += 2 if text[i] == "\\" else 1
        return i + 1
    return i


def matching(text, i, open_char, close_char):
    """Index of the bracket closing the one at text[i]."""
    depth = 0
    while True:
        after = skip_literal(text, i)
        if after != i:
            i = after
            continue
        if text[i] == open_char:
            depth += 1
        elif text[i] == close_char:
            depth -= 1
            if depth == 0:
                return i
        i += 1


def process(path, check):
    text = path.read_text()
    out = []
    pos = 0
    unwrapped = []
    for match in EXPORT.finditer(text):
        if match.start() < pos:
            continue
        name = match.group(1)
        close_paren = matching(text, match.end() - 1, "(", ")")
        open_brace = text.index("{", close_paren)
        close_brace = matching(text, open_brace, "{", "}")
        body = text[open_brace + 1 : close_brace]
        if "".join(body.split()).startswith(f"returntraced(ApiId::{name},"):  # clang-format may break lines
            continue
        unwrapped.append(name)
        out.append(text[pos : open_brace + 1])
        out.append(f"\n  return traced(ApiId::{name}, [&]() -> CUresult {{{body}}});\n")
        pos = close_brace
    out.append(text[pos:])
    if unwrapped and not check:
        path.write_text("".join(out))
    return unwrapped


def main():
    check = "--check" in sys.argv[1:]
    files = sorted(ROOT.glob("entry_*.cpp")) + sorted((ROOT / "dark_api").glob("*.cpp"))
    missing = []
    for path in files:
        for name in process(path, check):
            missing.append(f"{path.relative_to(ROOT.parents[1])}: {name}")
    if check and missing:
        print("entry points not wrapped in traced() (run scripts/dev-tools/trace-entry-points.py):", file=sys.stderr)
        print("\n".join(missing), file=sys.stderr)
        return 1
    if not check:
        print(f"wrapped {len(missing)} entry points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
