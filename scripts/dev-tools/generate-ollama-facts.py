#!/usr/bin/env python3
"""Generates tests/data/ollama-facts/ from Ollama's own source, one pass over every release tag.

The doctor reads Ollama's server log; what it may expect in that log is what Ollama's source can
print. This script reads a clone of Ollama (a work tree or a bare git directory with its tags)
and writes, per tag range:

  tags.tsv            every tag covered, in version order, with its commit and where its llama.cpp
                      comes from (vendored in the tree, or the upstream build LLAMA_CPP_VERSION pins)
  messages.tsv        every slog message of the Go code: level, text, literal or Sprintf format,
                      the attribute keys the call passes, the tag ranges, the source files
  runner-formats.tsv  runner output that reaches the server log verbatim: the printf formats of
                      the vendored ggml / llama.cpp (GGML_LOG_*, LLAMA_LOG_*; `%s:` + __func__
                      resolved to the function's name), and the Go regular expressions with which
                      Ollama itself parses llama-server's output (era B, where llama.cpp is no
                      longer vendored and only those expressions are in Ollama's tree)
  env.tsv             the variables envconfig.AsMap() prints in "server config", with the Go
                      expression Ollama reads each with, and the tag ranges
  env-reads.tsv       every other environment variable the Go code reads by name (os.Getenv,
                      os.LookupEnv, envconfig.Var, ...), with the files and tag ranges
  env-parsers.tsv     the bodies of envconfig's value parsers (Bool, BoolWithDefault, Var,
                      LogLevel) per tag range, so a change in how a value is read is visible
  version-markers.tsv slog messages that appear or disappear at a release, chosen so that their
                      presence in a binary brackets its version (Ollama's release builds carry no
                      version in their Go build information); the same table is written as C++ to
                      controller/ollama/ollama_version_markers.inc for the installation model
  README.md           what was read, and what is not covered

A tag range is written `first..last` over the tag order of tags.tsv; a text that disappears and
comes back has several ranges, comma-separated. Re-run for each new Ollama release:

  scripts/dev-tools/generate-ollama-facts.py /path/to/ollama [--last vX.Y.Z] \
      [--out tests/data/ollama-facts]

Python 3 standard library and git only.
"""
import argparse
import collections
import hashlib
import os
import pathlib
import re
import subprocess
import sys

TAG_PATTERN = re.compile(r"^v(\d+)\.(\d+)\.(\d+)(?:-rc(\d+))?$")
# Go trees that never write to the server log: the desktop app, tests, documentation, CI.
EXCLUDED_GO_PREFIXES = ("app/", "integration/", "docs/", ".github/", "scripts/", "macapp/")
# Vendored C/C++ whose output a runner prints (era A vendors ggml and llama.cpp).
VENDORED_C_PREFIXES = ("ml/backend/ggml/ggml/src/", "llama/llama.cpp/src/", "llama/llama.cpp/common/")
C_SUFFIXES = (".c", ".cpp", ".cu", ".cuh", ".h", ".hpp", ".m", ".mm")
# Go files whose regular expressions describe llama-server output Ollama parses (era B).
REGEXP_FILES = ("discover/llama_server.go",)
ENV_FILE = "envconfig/config.go"
ENV_PARSERS = ("Var", "Bool", "BoolWithDefault", "LogLevel", "String", "Uint", "Uint64")

LEVELS = {"Debug": "DEBUG", "Info": "INFO", "Warn": "WARN", "Error": "ERROR", "Trace": "TRACE"}
LEVEL_CONSTANTS = {"slog.LevelDebug": "DEBUG", "slog.LevelInfo": "INFO", "slog.LevelWarn": "WARN",
                   "slog.LevelError": "ERROR", "logutil.LevelTrace": "TRACE", "LevelTrace": "TRACE"}
C_MACROS = {"GGML_CUDA_NAME": "CUDA", "GGML_CUBLAS_NAME": "cuBLAS"}


def tag_key(tag):
    major, minor, patch, rc = TAG_PATTERN.match(tag).groups()
    return (int(major), int(minor), int(patch), 0 if rc is not None else 1, int(rc or 0))


class Git:
    def __init__(self, path):
        self.path = path
        self.cat = subprocess.Popen(["git", "-C", path, "cat-file", "--batch"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)
        self.cache = {}

    def run(self, *args):
        return subprocess.run(["git", "-C", self.path, *args], check=True, capture_output=True).stdout.decode()

    def blob(self, sha):
        if sha not in self.cache:
            self.cat.stdin.write(sha.encode() + b"\n")
            self.cat.stdin.flush()
            header = self.cat.stdout.readline().split()
            size = int(header[2])
            data = self.cat.stdout.read(size)
            self.cat.stdout.read(1)
            self.cache[sha] = data.decode("utf-8", "replace")
        return self.cache[sha]


# --- Go ----------------------------------------------------------------------------------------

def go_unquote(token):
    if token.startswith("`"):
        return token[1:-1]
    body = token[1:-1]
    out, i = [], 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b",
              "f": "\f", "v": "\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
            if n in "uU":
                width = 4 if n == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
                continue
            if n == "x":
                out.append(chr(int(body[i + 2:i + 4], 16)))
                i += 4
                continue
        out.append(c)
        i += 1
    return "".join(out)


def go_call_args(text, start):
    """Splits the arguments of the call whose '(' is at text[start-1]; returns (args, end)."""
    args, current, depth, i = [], [], 0, start
    while i < len(text):
        c = text[i]
        if c in "\"`'":
            if c == "`":
                j = text.index("`", i + 1)
            else:
                j = i + 1
                while text[j] != c:
                    j += 2 if text[j] == "\\" else 1
            current.append(text[i:j + 1])
            i = j + 1
            continue
        if text.startswith("//", i):
            i = text.index("\n", i)
            continue
        if text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(current).strip())
                return [a for a in args if a], i
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    return [a for a in args if a], i


STRING_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')


def go_string_expression(expr):
    """A string literal, a + concatenation of literals, or fmt.Sprintf/Errorf of one: (text, kind)."""
    expr = expr.strip()
    sprintf = re.match(r"^fmt\.Sprintf\((.*)\)$", expr, re.S)
    if sprintf:
        args, _ = go_call_args(sprintf.group(1) + ")", 0)
        if args:
            inner = go_string_expression(args[0])
            if inner:
                return inner[0], "sprintf"
        return None
    parts = [p.strip() for p in re.split(r"\+(?=(?:[^\"`]*[\"`][^\"`]*[\"`])*[^\"`]*$)", expr)]
    if parts and all(STRING_TOKEN.fullmatch(p) for p in parts):
        return "".join(go_unquote(p) for p in parts), "literal"
    return None


LOG_CALL = re.compile(
    r"\b(?:slog|logutil|logger|slog\.Default\(\))\.(Debug|Info|Warn|Error|Trace|Log)(Context)?\(")


def go_messages(source):
    """Yields (level, text, kind, keys, line) for every log call whose message is a string."""
    for match in LOG_CALL.finditer(source):
        method, context = match.group(1), match.group(2)
        args, _ = go_call_args(source, match.end())
        if context:
            args = args[1:]
        if method == "Log":
            if len(args) < 2:
                continue
            level = LEVEL_CONSTANTS.get(args[1].strip(), "?")
            args = args[2:]
        else:
            level = LEVELS[method]
        if not args:
            continue
        message = go_string_expression(args[0])
        if message is None:
            continue
        keys, dynamic = [], False
        rest = args[1:]
        i = 0
        while i < len(rest):
            arg = rest[i]
            literal = STRING_TOKEN.fullmatch(arg)
            if literal and go_unquote(arg) == "":
                dynamic = True  # slog inlines a group under the empty key: its keys are not literal
                i += 2
                continue
            if literal:
                keys.append(go_unquote(arg))
                i += 2
                continue
            attr = re.match(r'^slog\.\w+\(\s*("(?:[^"\\]|\\.)*")', arg)
            if attr:
                keys.append(go_unquote(attr.group(1)))
                i += 1
                continue
            dynamic = True  # a variable key, a slog.Group, or a ...spread
            i += 1
        line = source.count("\n", 0, match.start()) + 1
        yield level, message[0], message[1], keys + (["*"] if dynamic else []), line


def go_regexps(source):
    for match in re.finditer(r"(\w+)\s*=\s*regexp\.MustCompile\(\s*(`[^`]*`|\"(?:[^\"\\]|\\.)*\")", source):
        yield match.group(1), go_unquote(match.group(2))


ENV_READ = re.compile(r'\b(?:os\.Getenv|os\.LookupEnv|envconfig\.Var|Var|String|Bool|BoolWithDefault|Uint|Uint64|'
                      r'os\.Setenv|os\.Unsetenv)\(\s*"([A-Z][A-Z0-9_]+)"')


def go_env_reads(source):
    return sorted({match.group(1) for match in ENV_READ.finditer(source)})


def go_function_bodies(source, names):
    bodies = {}
    for name in names:
        match = re.search(r"^func " + re.escape(name) + r"\(.*?\n}\n", source, re.S | re.M)
        if match:
            bodies[name] = match.group(0).strip()
    return bodies


def env_variables(source):
    """The AsMap() variables: name -> the expression its value is read with (and its definition)."""
    definitions = {}
    for match in re.finditer(r"^\s*(\w+)\s*=\s*(\w+\(\"(\w+)\"[^)\n]*\))", source, re.M):
        definitions[match.group(1)] = match.group(2)
    start = source.find("func AsMap()")
    if start < 0:
        return {}
    end = source.find("\n}\n", start)
    body = source[start:end]
    variables = {}
    for match in re.finditer(r'"(\w+)"\s*(?::\s*\{|\]\s*=\s*EnvVar\{)\s*"\w+"\s*,\s*(.+?)\s*,\s*"', body):
        name, expr = match.group(1), match.group(2)
        accessor = re.match(r"^(\w+)\(", expr)
        defined = definitions.get(accessor.group(1)) if accessor else None
        variables[name] = expr + (" where " + accessor.group(1) + " = " + defined if defined else "")
    return variables


# --- C / C++ -----------------------------------------------------------------------------------

C_LOG_CALL = re.compile(r"\b(GGML_LOG_(?:INFO|WARN|ERROR|DEBUG|CONT)|LLAMA_LOG_(?:INFO|WARN|ERROR|DEBUG|CONT)|"
                        r"LOG_(?:INF|WRN|ERR|DBG|CNT)|fprintf\s*\(\s*stderr\s*,)\s*\(?")
# A function definition's first line: a return type, the name, "(" and no ";" after it; member
# functions are indented. Control statements, calls and assignments are not definitions.
C_FUNCTION = re.compile(r"^\s*(?!(?:if|for|while|switch|return|else|do|case|new|delete|throw|sizeof)\b)"
                        r"(?:[A-Za-z_][\w:<>,]*[\s\*&]+)+[\*&]*(?:[A-Za-z_]\w*::)*([A-Za-z_]\w*)\s*\([^;]*$")


def c_messages(source):
    functions = []
    offset = 0
    for line in source.split("\n"):
        match = C_FUNCTION.match(line)
        head = line.split("(", 1)[0]
        if match and not line.lstrip().startswith(("#", "//", "*")) and "=" not in head and "." not in head \
                and "->" not in head and match.group(1) != "operator":
            functions.append((offset, match.group(1)))
        offset += len(line) + 1
    for match in C_LOG_CALL.finditer(source):
        start = match.end()
        if not source[match.start():start].endswith("("):
            continue
        args, _ = go_call_args(source, start)
        if not args:
            continue
        pieces, ok = [], True
        for token in re.findall(r'"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*|\S', args[0]):
            if token.startswith('"'):
                pieces.append(go_unquote(token))
            elif token in C_MACROS:
                pieces.append(C_MACROS[token])
            elif re.fullmatch(r"[A-Za-z_]\w*", token):
                pieces.append("%s")  # another macro: its text is unknown here
            else:
                ok = False
        if not ok or not pieces:
            continue
        text = "".join(pieces)
        if len(args) > 1 and args[1].strip() == "__func__" and "%s" in text:
            name = ""
            for at, function in functions:
                if at > match.start():
                    break
                name = function
            if name:
                text = text.replace("%s", name, 1)
        level = match.group(1).split("_")[-1].rstrip("(").strip()
        for part in text.split("\n"):
            if part.strip():
                yield level if not level.startswith("fprintf") else "STDERR", part


# --- ranges ------------------------------------------------------------------------------------

def ranges_of(indices, tags):
    indices = sorted(indices)
    runs, first, last = [], None, None
    for index in indices:
        if first is None:
            first = last = index
        elif index == last + 1:
            last = index
        else:
            runs.append((first, last))
            first = last = index
    if first is not None:
        runs.append((first, last))
    return ",".join(f"{tags[a]}..{tags[b]}" for a, b in runs)


def clean(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# Packages linked into every `ollama` binary (the server and `ollama runner`): their messages are
# string literals in the binary whatever the build tags.
CORE_PREFIXES = ("discover/", "server/", "llm/", "envconfig/", "runner/", "ml/", "cmd/")
MARKERS_INC = pathlib.Path(__file__).resolve().parents[2] / "controller/ollama/ollama_version_markers.inc"


def write_version_markers(out, tags, messages, literal_tags):
    """Per boundary between two releases, one message that is in one and not in the other."""
    candidates = {}
    for (level, text), item in messages.items():
        if item["kinds"] != {"literal"} or len(text) < 24 or "\n" in text or "\t" in text:
            continue
        if not all(f.startswith(CORE_PREFIXES) for f in item["files"]):
            continue
        runs = ranges_of(item["tags"], tags)
        if "," in runs:
            continue  # one contiguous run of tags only
        mask = sum(1 << i for i in item["tags"])
        if any(text != other and text in other and other_mask & ~mask for other, other_mask in literal_tags.items()):
            continue  # its bytes are also inside another string of a tag without it
        at = sorted(item["tags"])
        candidates[text] = (at[0], at[-1])
    releases = [i for i, t in enumerate(tags) if "-rc" not in t]
    chosen = {}
    for a, b in zip(releases, releases[1:]):
        differ = sorted((text for text, (first, last) in candidates.items()
                         if (first <= a <= last) != (first <= b <= last)),
                        key=lambda t: (-min(len(t), 60), t))
        if differ:
            chosen[differ[0]] = candidates[differ[0]]
    with open(out / "version-markers.tsv", "w") as f:
        f.write("# message (a string literal in every ollama binary of its tags)\tfirst tag\tlast tag\n")
        for text, (first, last) in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
            f.write(f"{clean(text)}\t{tags[first]}\t{tags[last]}\n")
    def quoted(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    with open(MARKERS_INC, "w") as f:
        f.write("// Generated by scripts/dev-tools/generate-ollama-facts.py from Ollama's source: do not edit.\n"
                f"// The tags read ({tags[0]}..{tags[-1]}), in version order, and the messages whose presence\n"
                "// in a binary brackets its version: {text, index of the first tag, index of the last tag}.\n")
        f.write("constexpr const char* kOllamaTags[] = {\n")
        for tag in tags:
            f.write(f"    \"{tag}\",\n")
        f.write("};\n\nconstexpr VersionMarker kVersionMarkers[] = {\n")
        for text, (first, last) in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
            f.write(f"    {{{quoted(text)}, {first}, {last}}},\n")
        f.write("};\n")
    return len(chosen)


README = """# Ollama facts (generated: do not edit)

Written by `scripts/dev-tools/generate-ollama-facts.py` from Ollama's public source, {count} tags
from {first} to {last} (release candidates included; tags.tsv lists them in version order). The
doctor's log matchers and every log fixture under tests/data/ollama-logs are checked against these
files by tests/controller/test_doctor_facts.cpp: a matcher or a fixture line whose text, level,
attribute key or tag range is not here fails the suite. Re-run the script for each new release.

| file | rows | what |
|---|---|---|
| messages.tsv | {messages} | slog messages of the Go code (all but app/, integration/, tests) |
| runner-formats.tsv | {runner} | printf formats of the vendored ggml / llama.cpp, and Ollama's own regular expressions for llama-server output |
| env.tsv | {variables} | the variables "server config" prints (envconfig.AsMap), and how each is read |
| env-reads.tsv | {reads} | every variable the Go code reads or sets by name |
| env-parsers.tsv | | envconfig's value parsers (Bool, BoolWithDefault, Var, LogLevel, ...) per tag range |
| version-markers.tsv | {markers} | messages whose presence in a binary brackets its version (also written to controller/ollama/ollama_version_markers.inc) |

## Coverage
- slog messages: every `slog.Debug/Info/Warn/Error[Context]`, `slog.Log(ctx, <level constant>, …)`,
  `logutil.Trace[Context]` and `logger.*` call whose message is a string literal, a `+`
  concatenation of literals or `fmt.Sprintf` of one. A message held in a variable is not read
  (the doctor matches none). Attribute keys are the literal keys of the call; `*` marks a call
  that also passes keys this script cannot read (a variable key, a group, a spread).
- Runner output, vendored ({vendored}): GGML_LOG_* / LLAMA_LOG_* formats of ggml/src and
  llama.cpp/src and common; `%s` + `__func__` is replaced by the enclosing function's name, an
  unknown macro inside a format by `%s`.
- Runner output, upstream ({upstream}; llama.cpp builds {pins}): llama.cpp is fetched at build time
  and is not in Ollama's tree, so its printf formats are NOT covered. What is covered is what
  Ollama's own code expects of that output: the regular expressions in discover/llama_server.go
  (`go-regexp` rows) with which Ollama parses `llama-server --list-devices` and system_info. A
  fixture line of llama-server output must match one of those.
- Not covered: `log.Printf`/`log.Println` output of the runners, and third-party output such as
  gin's `[GIN]` access lines; the fixtures hold none. A printf format with fewer than 8 fixed
  characters (`%s`, `: `) vouches for no line in the test.
- Version markers: per boundary between two releases, one message (24 characters or more, in the
  packages every `ollama` binary links, in one contiguous run of tags, and not inside any other
  string literal of a tag without it) that is in one release and not in the other.
- Versions 0.25 to 0.29 exist only as v0.25.0-rc0 (era A code).
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ollama", help="a clone of github.com/ollama/ollama (work tree or bare), with tags")
    parser.add_argument("--first", default="v0.12.0")
    parser.add_argument("--last", default=None, help="newest tag to read (default: the newest tag)")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parents[2] / "tests/data/ollama-facts"))
    options = parser.parse_args()

    git = Git(options.ollama)
    tags = sorted((t for t in git.run("tag", "-l", "v*").split() if TAG_PATTERN.match(t)), key=tag_key)
    last = options.last or tags[-1]
    tags = [t for t in tags if tag_key(options.first) <= tag_key(t) <= tag_key(last)]
    if not tags:
        sys.exit("no tags in range")

    messages = collections.defaultdict(lambda: {"tags": set(), "files": set(), "kinds": set(), "keys": set()})
    runner = collections.defaultdict(lambda: {"tags": set(), "files": set()})
    env = collections.defaultdict(lambda: {"tags": set(), "exprs": collections.defaultdict(set)})
    env_reads = collections.defaultdict(lambda: {"tags": set(), "files": set()})
    literal_tags = {}  # every string literal of the core packages -> bit mask of the tags holding it
    parsers = collections.defaultdict(set)  # (name, body) -> tag indices
    go_parsed, c_parsed = {}, {}
    commits, llama = [], []
    for index, tag in enumerate(tags):
        commits.append(git.run("rev-list", "-n", "1", tag).strip())
        try:
            llama.append("upstream " + git.run("show", f"{tag}:LLAMA_CPP_VERSION").strip())
        except subprocess.CalledProcessError:
            llama.append("vendored")
        print(f"reading {tag}", file=sys.stderr)
        for entry in git.run("ls-tree", "-r", tag).splitlines():
            meta, path = entry.split("\t", 1)
            _, kind, sha = meta.split()
            if kind != "blob":
                continue
            if path.endswith(".go") and not path.endswith("_test.go") and not path.startswith(EXCLUDED_GO_PREFIXES):
                if sha not in go_parsed:
                    source = git.blob(sha)
                    go_parsed[sha] = (list(go_messages(source)),
                                      list(go_regexps(source)) if path in REGEXP_FILES else [],
                                      env_variables(source) if path == ENV_FILE else {},
                                      go_function_bodies(source, ENV_PARSERS) if path == ENV_FILE else {},
                                      go_env_reads(source),
                                      {go_unquote(t) for t in STRING_TOKEN.findall(source)}
                                      if path.startswith(CORE_PREFIXES) else set())
                found, regexps, variables, bodies, reads, literals = go_parsed[sha]
                for literal in literals:
                    literal_tags[literal] = literal_tags.get(literal, 0) | (1 << index)
                for name in reads:
                    env_reads[name]["tags"].add(index)
                    env_reads[name]["files"].add(path)
                for level, text, kind, keys, line in found:
                    item = messages[(level, text)]
                    item["tags"].add(index)
                    item["files"].add(path)
                    item["kinds"].add(kind)
                    item["keys"].update(keys)
                for name, pattern in regexps:
                    item = runner[("go-regexp", f"{name} {pattern}")]
                    item["tags"].add(index)
                    item["files"].add(path)
                for name, expr in variables.items():
                    env[name]["tags"].add(index)
                    env[name]["exprs"][expr].add(index)
                for name, body in bodies.items():
                    parsers[(name, body)].add(index)
            elif path.startswith(VENDORED_C_PREFIXES) and path.endswith(C_SUFFIXES):
                if sha not in c_parsed:
                    c_parsed[sha] = list(c_messages(git.blob(sha)))
                for level, text in c_parsed[sha]:
                    item = runner[(f"c-format:{level}", text)]
                    item["tags"].add(index)
                    item["files"].add(path)

    out = pathlib.Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "tags.tsv", "w") as f:
        f.write("# index\ttag\tcommit\tllama.cpp\n")
        for index, (tag, commit, source) in enumerate(zip(tags, commits, llama)):
            f.write(f"{index}\t{tag}\t{commit}\t{source}\n")
    with open(out / "messages.tsv", "w") as f:
        f.write("# level\tmessage (\\t \\n \\\\ escaped)\tkind\tattribute keys (* = also dynamic keys)\t"
                "tag ranges\tsource files\n")
        for (level, text), item in sorted(messages.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            f.write("\t".join([level, clean(text), "+".join(sorted(item["kinds"])),
                               ",".join(sorted(item["keys"])) or "-", ranges_of(item["tags"], tags),
                               ",".join(sorted(item["files"]))]) + "\n")
    with open(out / "runner-formats.tsv", "w") as f:
        f.write("# kind\tformat or regular expression (\\t \\n \\\\ escaped)\ttag ranges\tsource files\n")
        for (kind, text), item in sorted(runner.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            files = sorted(item["files"])
            shown = ",".join(files[:3]) + (f",+{len(files) - 3}" if len(files) > 3 else "")
            f.write("\t".join([kind, clean(text), ranges_of(item["tags"], tags), shown]) + "\n")
    with open(out / "env.tsv", "w") as f:
        f.write("# variable (printed by \"server config\")\ttag ranges\tread with (per tag range)\n")
        for name, item in sorted(env.items()):
            reads = " | ".join(f"{expr} @ {ranges_of(at, tags)}" for expr, at in
                               sorted(item["exprs"].items(), key=lambda kv: min(kv[1])))
            f.write("\t".join([name, ranges_of(item["tags"], tags), clean(reads)]) + "\n")
    with open(out / "env-reads.tsv", "w") as f:
        f.write("# variable\ttag ranges\tfiles that read or set it by name\n")
        for name, item in sorted(env_reads.items()):
            f.write("\t".join([name, ranges_of(item["tags"], tags), ",".join(sorted(item["files"]))]) + "\n")
    with open(out / "env-parsers.tsv", "w") as f:
        f.write("# function\ttag ranges\tsha256 (first 12)\tbody (\\t \\n \\\\ escaped)\n")
        for (name, body), at in sorted(parsers.items(), key=lambda kv: (kv[0][0], min(kv[1]))):
            digest = hashlib.sha256(body.encode()).hexdigest()[:12]
            f.write("\t".join([name, ranges_of(at, tags), digest, clean(body)]) + "\n")
    markers = write_version_markers(out, tags, messages, literal_tags)
    vendored = [t for t, source in zip(tags, llama) if source == "vendored"]
    upstream = [t for t, source in zip(tags, llama) if source != "vendored"]
    with open(out / "README.md", "w") as f:
        f.write(README.format(
            count=len(tags), first=tags[0], last=tags[-1], messages=len(messages), runner=len(runner),
            variables=len(env), reads=len(env_reads), markers=markers,
            vendored=f"{vendored[0]}..{vendored[-1]}" if vendored else "none",
            upstream=f"{upstream[0]}..{upstream[-1]}" if upstream else "none",
            pins=", ".join(sorted(set(s.split()[1] for s in llama if s != "vendored"))) or "none"))
    print(f"{len(tags)} tags {tags[0]}..{tags[-1]}: {len(messages)} messages, {len(runner)} runner formats, "
          f"{len(env)} variables", file=sys.stderr)


if __name__ == "__main__":
    main()
