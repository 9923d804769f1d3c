#!/usr/bin/env bash
# Proves that a new machine can install and run litgraph from the project's own files:
#   1. the README's first command, pasted into a brand-new virtual environment on a copy of the tree
#      (`pip install .` builds the wheel and installs it with its declared dependencies only);
#   2. the same installed command on a pseudo-terminal, where the progress bar shows;
#   3. the test suite (browser and notebook tests aside) with every dependency at its declared minimum
#      version (--min-versions, on by default; --no-min-versions skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
min_versions=1
[ "${1:-}" = "--no-min-versions" ] && min_versions=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip_quiet=(-q --disable-pip-version-check)

echo "clean-install: copying the tree to $work/tree"
python - "$root" "$work/tree" <<'PY'
import shutil, sys
shutil.copytree(sys.argv[1], sys.argv[2], ignore=shutil.ignore_patterns(
    ".git", "outputs", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache", ".hypothesis", "*.db*",
    "node_modules", "litgraph-views"))
PY
mkdir -p "$work/tree/outputs"

readme_cmd=$(python - <<'PY'
import re
text = open("README.md", encoding="utf-8").read()
print(re.search(r"```bash\n(.*?)\n", text).group(1))
PY
)
echo "clean-install: a new venv runs the README's first command: $readme_cmd"
python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install "${pip_quiet[@]}" --upgrade pip >/dev/null 2>&1 || true
(cd "$work/tree" && PATH="$work/venv/bin:$PATH" VIRTUAL_ENV="$work/venv" bash -c "$readme_cmd" 2>&1 | grep -v "^WARNING: Location")
test -s "$work/tree/outputs/latest/index.html" || { echo "clean-install: no outputs/latest/index.html" >&2; exit 1; }
"$work/venv/bin/python" - <<'PY'
import importlib.metadata as md, sys
dist = md.distribution("litgraph")
direct = dist.read_text("direct_url.json") or ""
assert '"editable": true' not in direct.replace(" ", "").replace('"editable":true', '"editable": true'), direct
print(f"clean-install: litgraph {dist.version} installed from a wheel with {len(dist.requires or [])} requirements")
PY

echo "clean-install: the installed command on a pseudo-terminal"
(cd "$work/tree" && "$work/venv/bin/python" - "$work/venv/bin/litgraph" <<'PY'
import os, pty, sys
exe = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    try:
        os.execv(exe, [exe, "report", "--sample", "--db", "pty.db", "--out", "pty-out", "--date", "2025-11-24"])
    finally:
        os._exit(127)
chunks = []
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    chunks.append(data)
_, status = os.waitpid(pid, 0)
screen = b"".join(chunks).decode("utf-8", "replace")
code = os.waitstatus_to_exitcode(status)
if code != 0 or "Report written to" not in screen or "/4" not in screen:
    print(screen[-2000:])
    sys.exit(f"clean-install: the command on a pseudo-terminal failed (exit {code})")
print("clean-install: pseudo-terminal run ok, progress bar shown")
PY
)

if [ "$min_versions" = 1 ]; then
  echo "clean-install: the suite with every dependency at its declared minimum"
  python - > "$work/floors.txt" <<'PY'
import re, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
for r in deps:
    m = re.match(r"([A-Za-z0-9_.\-]+)>=([^,; ]+)", r)
    if m:
        print(f"{m.group(1)}=={m.group(2)}")
PY
  cat "$work/floors.txt" | tr '\n' ' '; echo
  python -m venv "$work/minvenv"
  "$work/minvenv/bin/python" -m pip install "${pip_quiet[@]}" -c "$work/floors.txt" "$work/tree[test]" 2>&1 \
    | grep -v "^WARNING: Location" || true
  "$work/minvenv/bin/python" -m pip check
  (cd "$work/tree" && "$work/minvenv/bin/python" -m pytest -q -p no:cacheprovider -m "not browser and not slow" -W "ignore::DeprecationWarning" \
     --ignore=tests/test_notebooks.py -x)
fi
echo "clean-install: done"
