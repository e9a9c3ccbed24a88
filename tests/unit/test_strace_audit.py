"""The strace parser of the syscall audit: it must see every kind of write, and only writes."""

from __future__ import annotations

from pathlib import Path

from tests.support.strace_audit import accesses, audit, is_bytecode

TRACE = """\
10   openat(AT_FDCWD</w>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>
10 openat(AT_FDCWD</w>, "notes.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4</w/notes.txt>
10 openat(AT_FDCWD</w>, "/home/u/missing", O_WRONLY|O_CREAT, 0600) = -1 EACCES (Permission denied)
11 openat(5</home/u/.aws>, "cache, \\"odd\\"", O_RDWR <unfinished ...>
12   rename("/tmp/a", "/tmp/b") = 0
11   <... openat resumed>) = 6</home/u/.aws/cache, "odd">
12 ftruncate(7</home/u/log>, 0) = 0
12 mkdirat(AT_FDCWD</w>, "/x/__pycache__", 0777) = 0
12 openat(AT_FDCWD</w>, "/x/__pycache__/m.cpython-311.pyc.1234", O_WRONLY|O_CREAT|O_EXCL, 0644) = 8</x/__pycache__/m.cpython-311.pyc.1234>
12 openat(AT_FDCWD</w>, "/dev/null", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</dev/null>
12 unlinkat(AT_FDCWD</w>, "/run/agent/agent.sock", 0) = 0
12 openat2(AT_FDCWD</w>, "/srv/o", {flags=O_RDWR|O_CREAT, mode=0600}, 24) = 9</srv/o>
12 symlinkat("/etc/hosts", AT_FDCWD</w>, "link") = 0
"""  # noqa: E501


def test_every_kind_of_write_is_seen_and_reads_are_not_writes(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    trace.write_text(TRACE)
    found = audit(trace, allowed=[Path("/run/agent/agent.sock")])
    assert found.written == {
        "/w/notes.txt",
        '/home/u/.aws/cache, "odd"',
        "/tmp/a",
        "/tmp/b",
        "/home/u/log",
        "/srv/o",
        "/w/link",
    }
    assert found.allowed == {
        "/x/__pycache__",
        "/x/__pycache__/m.cpython-311.pyc.1234",
        "/dev/null",
        "/run/agent/agent.sock",
    }
    assert "/etc/passwd" in found.traced
    assert "/home/u/missing" not in found.traced  # failed calls change nothing


def test_a_read_only_open_is_traced_not_written() -> None:
    line = '3 openat(AT_FDCWD</w>, "/home/u/.aws/config", O_RDONLY|O_CLOEXEC) = 3</c>'
    (only,) = accesses([line])
    assert only.path == "/home/u/.aws/config"
    assert not only.writes


def test_bytecode_is_recognised_by_folder_and_suffix() -> None:
    assert is_bytecode("/v/__pycache__/a.cpython-311.pyc")
    assert not is_bytecode("/v/a.pyc")
    assert not is_bytecode("/v/__pycache__/secrets.txt")
