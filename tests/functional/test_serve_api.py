"""``rota serve``'s JSON API: each endpoint returns exactly the CLI's ``--format json``.

Bad input gives HTTP 4xx with the CLI's one-line message, and the server keeps
serving; uploads are size-limited and written only to a temporary folder.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")

from starlette.testclient import TestClient  # noqa: E402

from scenarios.cli import main  # noqa: E402
from scenarios.web import create_app  # noqa: E402
from scenarios.web.uploads import MAX_UPLOAD_BYTES, safe_name  # noqa: E402
from simulator.examples import example_path  # noqa: E402
from simulator.io import read_rota, write_rota  # noqa: E402
from simulator.io.grid import write_csv_rota  # noqa: E402

F1 = example_path("department/f1_medicine.toml")
ED = example_path("department/ed_f2.toml")
SURGERY = example_path("department/registrar_surgery_legacy.toml")
NROC = example_path("department/registrar_medicine.toml")

#: (command, rota, CLI options, form fields)
CASES = [
    ("hours", F1, [], {}),
    ("hours", NROC, [], {}),
    ("check", SURGERY, ["--rules", "wales-2026"], {"rules": "wales-2026"}),
    ("check", NROC, ["--rules", "new-deal"], {"rules": "new-deal"}),
    (
        "check",
        ED,
        ["--rules", "wales-2026", "--set", "weekend_frequency.limit=2"],
        {"rules": "wales-2026", "set": "weekend_frequency.limit=2"},
    ),
    ("pay", F1, ["--contract", "wales-2026"], {"contract": "wales-2026"}),
    ("pay", SURGERY, ["--contract", "england-2016"], {"contract": "england-2016"}),
    (
        "pay",
        NROC,
        ["--contract", "nhs-2002", "--explain", "--pay-year", "2025/26"],
        {"contract": "nhs-2002", "explain": "true", "pay_year": "2025/26"},
    ),
    ("compare", SURGERY, [], {}),
    (
        "compare",
        F1,
        ["--pay-year", "2025/26", "--set", "wales-2026.unsocial_multiplier=1.5"],
        {"pay_year": "2025/26", "set": "wales-2026.unsocial_multiplier=1.5"},
    ),
]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def cli_json(capsys, command: str, rota: Path, options: list[str]) -> dict:
    """What ``rota COMMAND ROTA OPTIONS --format json`` prints, parsed."""
    code = main([command, str(rota), *options, "--format", "json"])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


def cli_error(capsys, argv: list[str]) -> str:
    """The one-line message the CLI prints after ``rota: error: `` (exit status 2)."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rota: error: ") and "\n" not in err
    return err.removeprefix("rota: error: ")


def post(client, command: str, path: Path, data: dict | None = None, name: str | None = None):
    with open(path, "rb") as f:
        files = {"rota": (name or path.name, f.read())}
    return client.post(f"/api/{command}", files=files, data=data or {})


@pytest.mark.parametrize(("command", "rota", "options", "fields"), CASES)
def test_endpoint_equals_cli_json(client, capsys, command, rota, options, fields):
    response = post(client, command, rota, fields)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == cli_json(capsys, command, rota, options)


def test_compare_pay_equals_cli(client, capsys):
    api = post(client, "compare", NROC).json()
    cli = cli_json(capsys, "compare", NROC, [])
    assert api == cli
    assert [line["pay_2026"]["total"] for line in api["lines"]] == [
        line["pay_2026"]["total"] for line in cli["lines"]
    ]
    assert api["summary"]["total_protection_cost"] == cli["summary"]["total_protection_cost"]


def test_xlsx_upload_equals_cli(client, capsys, tmp_path):
    path = tmp_path / "surgery.xlsx"
    write_rota(read_rota(SURGERY), path)
    response = post(client, "check", path, {"rules": "wales-2026"})
    assert response.status_code == 200
    assert response.json() == cli_json(capsys, "check", path, ["--rules", "wales-2026"])


def test_csv_upload_with_shifts_equals_cli(client, capsys, tmp_path):
    grid, shifts = tmp_path / "nroc.csv", tmp_path / "nroc.shifts.toml"
    write_csv_rota(read_rota(NROC), grid, shifts)
    files = {"rota": (grid.name, grid.read_bytes()), "shifts": (shifts.name, shifts.read_bytes())}
    response = client.post("/api/compare", files=files)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(capsys, "compare", grid, [])


def assert_one_line_error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"] and "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


def test_garbage_upload_gives_the_cli_message_then_serving_goes_on(
    client, capsys, tmp_path, monkeypatch
):
    garbage = tmp_path / "rota.xlsx"
    garbage.write_bytes(bytes(range(256)) * 40)
    message = assert_one_line_error(post(client, "hours", garbage))
    monkeypatch.chdir(tmp_path)
    assert message == cli_error(capsys, ["hours", "rota.xlsx"])
    assert "rota.xlsx" in message and str(tmp_path) not in message
    assert post(client, "hours", F1).status_code == 200


def test_unknown_shift_code_names_line_and_day(client, capsys, tmp_path, monkeypatch):
    text = F1.read_text("utf-8")
    at = text.index("pattern")
    text = text[:at] + text[at:].replace("LD", "XX", 1)
    bad = tmp_path / "f1.toml"
    bad.write_text(text, "utf-8")
    message = assert_one_line_error(post(client, "check", bad, {"rules": "wales-2026"}))
    assert "unknown shift code" in message
    monkeypatch.chdir(tmp_path)
    assert message == cli_error(capsys, ["check", "f1.toml", "--rules", "wales-2026"])
    good = post(client, "check", F1, {"rules": "wales-2026"})
    assert good.status_code == 200 and good.json()["compliant"] is True


@pytest.mark.parametrize(
    ("command", "fields", "expected"),
    [
        ("check", {}, "rule set is required"),
        ("check", {"rules": "nope"}, "unknown rule set 'nope'"),
        ("check", {"rules": "wtr", "set": "no-equals"}, "expected KEY=VALUE"),
        ("pay", {}, "contract is required"),
        ("pay", {"contract": "wales-2026", "pay_year": "1999/00"}, "unknown pay year"),
        ("compare", {"set": "wales-2026.nope=1"}, "unknown parameter path"),
    ],
)
def test_bad_options_are_one_line_400(client, command, fields, expected):
    assert expected in assert_one_line_error(post(client, command, F1, fields))


def test_bad_option_matches_cli_message(client, capsys):
    response = post(client, "compare", F1, {"set": "wales-2026.unsocial_multiplier=abc"})
    argv = ["compare", str(F1), "--set", "wales-2026.unsocial_multiplier=abc"]
    assert assert_one_line_error(response) == cli_error(capsys, argv)


def test_missing_file_and_wrong_format(client):
    assert "no rota file" in assert_one_line_error(client.post("/api/hours", data={"x": "1"}))
    response = client.post("/api/hours", files={"rota": ("rota.pdf", b"%PDF-1.4")})
    assert "unknown rota format '.pdf'" in assert_one_line_error(response)
    response = client.post("/api/hours", json={"rota": "D D D"})
    assert "no rota file" in assert_one_line_error(response)


def test_unknown_command_is_404_json(client):
    assert "unknown command" in assert_one_line_error(post(client, "simulate", F1), 404)


def test_oversize_upload_is_413(client):
    big = b"#" * (MAX_UPLOAD_BYTES + 100_000)
    response = client.post("/api/hours", files={"rota": ("big.toml", big)})
    assert "upload too large" in assert_one_line_error(response, 413)
    assert post(client, "hours", F1).status_code == 200


def test_uploads_live_only_in_a_temporary_folder(client, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(work)
    response = post(client, "hours", F1, name="../../escape me.toml")
    assert response.status_code == 200
    assert list(scratch.iterdir()) == [] and list(work.iterdir()) == []
    assert not (tmp_path / "escape_me.toml").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\My rota (v2).xlsx", "My_rota_v2_.xlsx"),
        ("..", "upload"),
        ("", "upload"),
        (".hidden.toml", "hidden.toml"),
        ("a" * 300 + ".toml", "a" * 95 + ".toml"),
    ],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


def test_oversize_body_without_length_is_413(client):
    def chunks():
        for _ in range(6):
            yield b"x" * (1024 * 1024)

    headers = {"content-type": "multipart/form-data; boundary=zzz"}
    response = client.post("/api/hours", content=chunks(), headers=headers)
    assert "upload too large" in assert_one_line_error(response, 413)


def test_concurrent_requests_agree(capsys):
    from concurrent.futures import ThreadPoolExecutor

    import numba

    from scenarios.web.concurrency import threadsafe_kernels

    app = create_app()

    def ask(command: str) -> dict:
        with TestClient(app) as c:
            fields = {"rules": "wales-2026"} if command == "check" else {}
            response = post(c, command, SURGERY, fields)
            assert response.status_code == 200
            return response.json()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, ["compare", "check"] * 4))
    assert all(a == answers[0] for a in answers[::2])
    assert all(a == answers[1] for a in answers[1::2])
    assert answers[0] == cli_json(capsys, "compare", SURGERY, [])
    # the layer is chosen when Numba first starts its threads, which this process may
    # not have done yet when the kernels it ran were serial: start them
    from numba.np.ufunc.parallel import _launch_threads

    _launch_threads()
    assert threadsafe_kernels() == (numba.threading_layer() in ("tbb", "omp"))
