"""Chapter 12 runs with the network cut, once make has filled the data cache.

The chapter is re-run by nbval inside a new user and network namespace
(``unshare -rn``) whose only interface is loopback, brought up so that the Jupyter
kernel can talk to nbval. Nothing outside the machine can be reached there, which the
test checks before running the chapter. Where user namespaces are unavailable (some
containers forbid them) the test skips and says why.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "12-entropy-rate.ipynb"

# Inside the namespace: loopback up, the outside unreachable, then the chapter.
_SCRIPT = """
set -e
ip link set lo up
if "$0" -c "import socket; socket.create_connection(('pypi.org', 443), timeout=5)" 2>/dev/null
then echo "the network is reachable inside the namespace" >&2; exit 3
fi
exec "$0" -m pytest --nbval -q -p no:cacheprovider -p no:randomly "$1"
"""


def _why_not() -> str | None:
    if not CHAPTER.exists():
        return f"{CHAPTER.name} does not exist yet"
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"the {tool} command is not installed"
    probe = subprocess.run(
        ["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True, timeout=30
    )
    if probe.returncode != 0:
        reason = probe.stderr.decode(errors="replace").strip()
        return f"no user and network namespace with loopback here ({reason})"
    return None


def test_chapter_12_runs_with_the_network_cut():
    reason = _why_not()
    if reason is not None:
        pytest.skip(reason)
    result = subprocess.run(
        ["unshare", "-rn", "sh", "-c", _SCRIPT, sys.executable, str(CHAPTER)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "passed" in result.stdout and "fetching" not in result.stderr
