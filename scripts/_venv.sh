# Shared by scripts/demo and scripts/test: make .venv and install the project with pinned versions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  mkdir -p var
  echo "Installing Valleycross and its dependencies into .venv (log: var/install.log)..."
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install -c requirements.lock -e ".[test]"; } >var/install.log 2>&1; then
    tail -n 30 var/install.log >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
