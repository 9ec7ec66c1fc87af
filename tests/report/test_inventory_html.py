"""The HTML audit report: escaping and self-containment checked on the text, and the page itself
checked in a real headless Chromium (Debian's package) driven over the DevTools protocol.

Chromium is driven through ``--remote-debugging-pipe``: the protocol's JSON messages go over two
inherited file descriptors (3: to the browser, 4: from it), so the test needs no port, no
websocket library, no driver binary matched to the browser version and no network. Every wait
is bounded. Without /usr/bin/chromium the browser tests skip, except under CI=true, where they
fail: CI installs it with scripts/install-system-deps.sh.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.inventory.build import build_inventory
from secretscan.inventory.records import Inventory
from secretscan.model import (
    BlobId,
    CommitInfo,
    Finding,
    Fingerprint,
    Location,
    Provenance,
    RuleId,
    ScanResult,
    ScanStats,
    SourceKind,
    Span,
    Storage,
)
from secretscan.pipeline import group
from secretscan.report.inventory_html import CSS, JS, month_range, render
from secretscan.ruleset.schema import rules_from_document
from helpers import make_rules

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
EVIL_PATH = 'evil/<script>window.pwned=1</script>"x.env'
EVIL_AUTHOR = '<img src=x onerror="window.pwned=2">'
EVIL_SUMMARY = "<script>alert(1)</script> & friends"


def commit(day: str, author: str, summary: str) -> CommitInfo:
    sha = hashlib.sha1(f"{day}{summary}".encode()).hexdigest()
    return CommitInfo(sha, author, f"{author.lower()[:8]}@example.test", f"{day}T10:00:00+00:00", summary)


CA = commit("2024-01-10", "Ann", "add service config")
CB = commit("2024-01-25", "Bob", "orders: database settings")
CC = commit("2024-11-05", "Cy", "payments integration")
CD = commit("2025-03-14", "Dee", "remove stripe key")
CE = commit("2025-06-20", "Eve", "deploy to k8s with TLS")
CM = commit("2025-06-03", EVIL_AUTHOR, EVIL_SUMMARY)
CF = commit("2025-09-01", "Cy", "move secrets to vault")
CH = commit("2025-09-15", "Ann", "clean up env files")
CG = commit("2026-02-02", "Ann", "login tests")
CR = commit("2026-05-20", "Bob", "mailer service")


def _rules() -> list:
    spec = (
        ("AWS", "secretscan.aws.access-key", "cloud_iam", "critical", "high"),
        ("PostgreSQL", "secretscan.uri.postgres-password", "password", "high", "high"),
        ("Stripe", "secretscan.stripe.secret-key", "api_key", "critical", "high"),
        ("GitHub", "secretscan.github.pat", "service_token", "high", "high"),
        ("Generic", "secretscan.generic.password-assignment", "password", "medium", "low"),
        ("Slack", "secretscan.slack.webhook", "api_key", "high", "medium"),
        ("SendGrid", "secretscan.sendgrid.api-key", "api_key", "medium", "high"),
        ("Generic", "secretscan.generic.api-key-assignment", "api_key", "medium", "medium"),
        ("PEM", "secretscan.pem.certificate", "certificate", "low", "high"),
        ("PEM", "secretscan.pem.private-key", "private_key", "high", "high"),
    )
    out = []
    for provider, rid, kind, severity, confidence in spec:
        rule = {"id": rid, "name": rid.split(".")[-1], "kind": kind, "pattern": "(x)", "examples": ["x"],
                "negative_examples": ["y"], "severity": severity, "confidence": confidence}
        out += rules_from_document({"provider": provider, "rules": [rule]}, "test.yml")
    return out


def _loc(path: str, c: CommitInfo | None, in_tip: bool | None = None, removed: CommitInfo | None = None,
         storage: Storage = Storage.PLAIN_FILE, locator: str | None = None, line: int = 3) -> Location:
    kind = SourceKind.GIT if c else SourceKind.FILE
    return Location(BlobId("0" * 40), Provenance(kind, path, c, in_tip, removed), Span(0, 10, line, 5, line), storage, locator)


def _finding(name: str, rule: dict, preview: str, *locations: Location, attrs: tuple = ()) -> Finding:
    r = rule[name.split("#")[0]]
    return Finding(Fingerprint(hashlib.sha256(name.encode()).hexdigest()), RuleId(r.id), r.name, r.kind, r.severity,
                   r.confidence, preview, "h", tuple(locations), attributes=attrs)


def audit_inventory() -> Inventory:
    """A legacy repository's inventory: every risk level, history-only secrets removed in different
    months, a credential shared by two services, an expired and a valid certificate, a key."""
    rules = _rules()
    r = {x.id.split(".", 1)[1]: x for x in rules}
    findings = (
        _finding("aws.access-key", r, "AKIA…Q7XB", _loc("services/api/Dockerfile", CA, True, storage=Storage.DOCKERFILE_ENV,
                                                         locator="ENV AWS_ACCESS_KEY_ID")),
        _finding("uri.postgres-password", r, "s3cr…9!kq",
                 _loc("services/orders/config.yml", CB, False, CF, Storage.CONFIG_FILE),
                 _loc("services/billing/application.yml", CC, False, CF, Storage.SPRING_CONFIG, "spring.datasource.password")),
        _finding("stripe.secret-key", r, "sk_l…T4fM", _loc("services/payments/settings.py", CC, False, CD, Storage.SOURCE_CODE)),
        _finding("github.pat", r, "ghp_…2nxL", _loc("k8s/prod/ci-secret.yaml", CE, True, storage=Storage.KUBERNETES_SECRET,
                                                    locator="Secret/prod/ci-token key=token")),
        _finding("generic.password-assignment", r, "hunt…er22", _loc("tests/fixtures/test_login.py", CG, True,
                                                                     storage=Storage.SOURCE_CODE)),
        _finding("slack.webhook", r, "http…Xy9z", _loc(EVIL_PATH, CM, False, CH, Storage.DOTENV)),
        _finding("sendgrid.api-key", r, "SG.a…w8Qe", _loc("services/mailer/.env", CR, True, storage=Storage.DOTENV)),
        _finding("generic.api-key-assignment", r, "9f2c…e01a", _loc("scripts/deploy.sh", None, storage=Storage.SOURCE_CODE)),
        _finding("pem.certificate#old", r, "----…----", _loc("tls/legacy.crt", CA, True), attrs=(
            ("cert.subject_cn", "legacy.example.test"), ("cert.issuer_cn", "Legacy CA"),
            ("cert.not_after", "2025-12-31T00:00:00Z"), ("cert.sans", "legacy.example.test"), ("pubkey.sha256", "p0"))),
        _finding("pem.certificate#site", r, "----…---=", _loc("tls/site.crt", CE, True), attrs=(
            ("cert.subject_cn", "site.example.test"), ("cert.issuer_cn", "Example Issuing CA"),
            ("cert.not_after", "2027-03-01T00:00:00Z"), ("cert.sans", "site.example.test,www.site.example.test"),
            ("pubkey.sha256", "p1"))),
        _finding("pem.private-key", r, "----…KEY-", _loc("tls/site.key", CE, True), attrs=(
            ("key.algorithm", "RSA"), ("key.size", "2048"), ("key.encrypted", "no"), ("pubkey.sha256", "p1"))),
    )
    return build_inventory(ScanResult(findings, (), ScanStats(), tuple(rules)), Settings(), NOW, history=True)


# ---------------------------------------------------------------------------- the text


def test_untrusted_values_are_escaped_and_only_our_script_exists() -> None:
    page = render(audit_inventory())
    assert "<script>window.pwned" not in page and "<script>alert(1)" not in page and "<img src=x" not in page
    assert "evil/&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;x.env" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in page
    assert "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in page
    assert page.count("<script") == 1 and page.count("</script>") == 1


def test_self_contained_with_a_policy_that_admits_only_its_own_style_and_script() -> None:
    page = render(audit_inventory())
    assert re.findall(r"\b(?:src|href)=\"([^\"]*)\"", page) == ["data:,"]  # the empty favicon
    assert "url(" not in page and "@import" not in page and "http://" not in page and "https://" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    digest = {name: base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for name, text in (("css", CSS), ("js", JS))}
    assert policy.group(1) == (
        f"default-src &#x27;none&#x27;; style-src &#x27;sha256-{digest['css']}&#x27;; "
        f"script-src &#x27;sha256-{digest['js']}&#x27;; img-src data:; base-uri &#x27;none&#x27;; form-action &#x27;none&#x27;"
    )
    assert f"<style>{CSS}</style>" in page and f"<script>{JS}</script>" in page
    assert " style=" not in page  # inline style attributes would be refused by the policy


def test_a_scanned_secret_appears_only_as_its_preview() -> None:
    secret = "Zq7Rk2Lw9Xv4Tn8Bc3Md6Pf"
    rules = make_rules({"id": "t.tok", "pattern": r"tok_([A-Za-z0-9]{23})\b", "confidence": "high"})
    data = f"API = 'tok_{secret}'\n".encode()
    matches = Detector(Engine(rules), Settings()).scan(data, blob_id(data), Provenance(SourceKind.FILE, "app/settings.py"))
    findings = tuple(group(matches, {r.id: r for r in rules}))
    page = render(build_inventory(ScanResult(findings, (), ScanStats(), tuple(rules)), Settings(), NOW))
    assert "Zq7R…d6Pf" in page
    assert secret not in page and secret[4:-4] not in page


def test_working_tree_inventory_explains_the_missing_timeline() -> None:
    inv = audit_inventory()
    page = render(Inventory(tuple(i for i in inv.items if i.first_seen is None), (), (), inv.generated_at, False))
    assert '<p class="empty" id="timeline-empty">No history data: this inventory was built from the working tree' in page
    assert 'class="bar intro"' not in page and 'id="certificates-section"><h2>Certificates</h2><p class="empty">' in page


def test_months_run_across_year_ends() -> None:
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_range("2025-06", "2025-06") == ["2025-06"]


def test_empty_inventory_renders() -> None:
    page = render(Inventory((), (), (), "2026-06-01T00:00:00Z", True))
    assert 'id="verdict">No secrets found</p>' in page and "No secrets found in the history." in page


# ---------------------------------------------------------------------------- the browser

CHROMIUM = os.environ.get("SECRETSCAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-default-browser-check",
    "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe",
)
START_TIMEOUT = 60.0  # a cold start on a loaded 2-core machine
CALL_TIMEOUT = 30.0


def _high_fd(fd: int) -> int:
    """The same pipe end on a descriptor >= 10, so remapping it to 3 or 4 cannot clobber another."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Chromium:
    """A headless Chromium and a minimal DevTools-protocol client over --remote-debugging-pipe."""

    def __init__(self, binary: str, workdir: Path) -> None:
        to_browser, self._out = os.pipe()  # we write commands; the browser reads them on fd 3
        self._in, from_browser = os.pipe()  # the browser writes answers and events on fd 4
        to_browser, from_browser = _high_fd(to_browser), _high_fd(from_browser)  # never 3 or 4 themselves
        profile, home = workdir / "profile", workdir / "home"
        profile.mkdir()
        home.mkdir()
        self.log = workdir / "chromium.log"
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")}
        remap = f'exec "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-'
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["bash", "-c", remap, "bash", binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                start_new_session=True,  # its own process group, so a hung browser goes with all its children
            )
        os.close(to_browser)
        os.close(from_browser)
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.call("Browser.getVersion", timeout=START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def _read(self) -> None:
        buffer = bytearray()
        while chunk := os.read(self._in, 1 << 16):
            buffer += chunk
            while (end := buffer.find(b"\0")) >= 0:
                self._queue.put(json.loads(bytes(buffer[:end])))
                del buffer[: end + 1]
        self._queue.put(None)

    def _pump(self, deadline: float, what: str) -> None:
        try:
            message = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"chromium: no {what} in time; log: {self._log_tail()}") from None
        if message is None:
            raise RuntimeError(f"chromium closed the pipe while waiting for {what}; log: {self._log_tail()}")
        if "id" in message:
            self._answers[message["id"]] = message
        else:
            self.events.append(message)

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while ident not in self._answers:
            self._pump(deadline, f"answer to {method}")
        answer = self._answers.pop(ident)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]  # type: ignore[no-any-return]

    def wait_for(self, method: str, session: str, since: int, timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            self._pump(deadline, method)

    def close(self) -> None:
        try:
            os.write(self._out, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        os.close(self._out)
        self._reader.join(timeout=10)
        os.close(self._in)


class Page:
    """One tab, attached with its own session, the report loaded and every console message kept."""

    def __init__(self, browser: Chromium, url: str, width: int = 1366, height: int = 900, mobile: bool = False) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.resize(width, height, mobile)
        since = len(browser.events)
        self.call("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired", self.session, since)
        self.target = target

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def resize(self, width: int, height: int, mobile: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def column(self, table: str, label: str) -> list[str]:
        return self.js(
            f"(() => {{ const t = document.getElementById({json.dumps(table)});"
            f" const i = Array.from(t.tHead.rows[0].cells).findIndex(c => c.textContent.trim() === {json.dumps(label)});"
            " return Array.from(t.tBodies[0].rows).map(r => r.cells[i].textContent.trim()); })()"
        )

    def aria_sort(self, table: str) -> dict[str, str]:
        return self.js(
            f"Object.fromEntries(Array.from(document.querySelectorAll('#{table} th[aria-sort]'))"
            ".map(th => [th.textContent.trim(), th.getAttribute('aria-sort')]))"
        )

    def click_header(self, table: str, label: str) -> None:
        """A real mouse click at the header button's position, not a synthetic element.click()."""
        x, y = self.js(
            f"(() => {{ const b = Array.from(document.querySelectorAll('#{table} th button'))"
            f".find(b => b.textContent.trim() === {json.dumps(label)}); b.scrollIntoView({{block: 'center'}});"
            " const r = b.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def problems(self) -> list[str]:
        out = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            p = event["params"]
            if event["method"] == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')} {p['exceptionDetails'].get('exception', {}).get('description', '')}")
            elif event["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                out.append(f"console.{p['type']}: {[a.get('value', a.get('description')) for a in p['args']]}")
            elif event["method"] == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append(f"log {p['entry']['level']}: {p['entry']['text']}")
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.browser.events
                if e.get("sessionId") == self.session and e["method"] == "Network.requestWillBeSent"]

    def screenshot(self, path: Path) -> bytes:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} not found: install Debian's chromium with scripts/install-system-deps.sh"
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the browser test must run, not skip)")
        pytest.skip(reason)
    chromium = Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inventory, Path]:
    inv = audit_inventory()
    path = tmp_path_factory.mktemp("report") / "inventory.html"
    path.write_text(render(inv), encoding="utf-8")
    return inv, path


@pytest.fixture
def page(browser: Chromium, report: tuple[Inventory, Path]) -> Iterator[Page]:
    tab = Page(browser, report[1].as_uri())
    try:
        yield tab
    finally:
        tab.close()


def test_page_loads_without_console_errors_or_requests(page: Page, report: tuple[Inventory, Path]) -> None:
    assert page.problems() == []
    assert page.requests() == [report[1].as_uri()]
    assert page.js("window.pwned") is None  # the hostile path, author and summary ran nothing
    page.js("console.error('probe')")  # the collector itself works
    deadline = time.monotonic() + CALL_TIMEOUT
    while not page.problems() and time.monotonic() < deadline:
        page.js("1")
    assert page.problems() == ["console.error: ['probe']"]


def test_tables_render_every_row(page: Page, report: tuple[Inventory, Path]) -> None:
    inv = report[0]
    rows = page.js("Object.fromEntries(['secrets', 'certificates', 'keys'].map(id => [id, document.querySelectorAll('#' + id + ' tbody tr').length]))")
    assert rows == {"secrets": 11, "certificates": 2, "keys": 1}
    assert page.column("secrets", "Preview") == [f"{i.preview}fp {i.fingerprint[:12]}" for i in inv.items]
    assert page.column("certificates", "Status") == ["expired", "valid"]
    assert EVIL_PATH in page.js("document.getElementById('secrets').textContent")
    assert EVIL_SUMMARY in page.js("document.getElementById('secrets').textContent")
    assert page.js("document.querySelector('#card-total .big').textContent") == "11"
    assert page.js("document.querySelectorAll('#actions li').length") == 7


def test_clicking_a_header_sorts_numeric_aware_with_aria_sort(page: Page, report: tuple[Inventory, Path]) -> None:
    inv = report[0]
    assert page.aria_sort("secrets")["Risk"] == "descending"
    providers = [i.provider for i in inv.items]
    assert page.column("secrets", "Provider") == providers
    page.click_header("secrets", "Provider")
    assert page.column("secrets", "Provider") == sorted(providers, key=str.lower)
    assert page.aria_sort("secrets") == {**{k: "none" for k in page.aria_sort("secrets")}, "Provider": "ascending"}
    page.click_header("secrets", "Provider")
    assert page.column("secrets", "Provider") == sorted(providers, key=str.lower, reverse=True)
    assert page.aria_sort("secrets")["Provider"] == "descending"

    # numbers sort as numbers (11 before 118, which text order would swap); unknown ages stay last
    page.click_header("secrets", "Age")
    ages = sorted(i.age_days for i in inv.items if i.age_days is not None)
    assert page.column("secrets", "Age") == [f"{a}\u00a0d" for a in ages] + ["—"]
    assert ages[:2] == [11, 118]
    page.click_header("secrets", "Age")
    assert page.column("secrets", "Age") == [f"{a}\u00a0d" for a in reversed(ages)] + ["—"]

    page.click_header("secrets", "Risk")
    scores = [f"{i.risk.score:g}" for i in sorted(inv.items, key=lambda i: i.risk.score)]
    assert [c.split()[1][: len(s)] for c, s in zip(page.column("secrets", "Risk"), scores)] == scores
    assert page.aria_sort("secrets")["Risk"] == "ascending"

    page.click_header("certificates", "Not after")
    assert page.column("certificates", "Not after") == ["2025-12-31", "2027-03-01"]
    page.click_header("certificates", "Not after")
    assert page.column("certificates", "Not after") == ["2027-03-01", "2025-12-31"]


def test_filter_narrows_the_secrets_table(page: Page) -> None:
    page.js("document.getElementById('secrets-filter').focus()")
    page.call("Input.insertText", {"text": "billing"})
    visible = page.js("Array.from(document.querySelectorAll('#secrets tbody tr')).filter(r => r.offsetParent !== null).length")
    assert visible == 1
    assert page.js("document.getElementById('secrets-count').textContent") == "1 of 11"


def test_charts_have_one_bar_per_count(page: Page, report: tuple[Inventory, Path]) -> None:
    inv = report[0]
    segments = page.js(
        "Array.from(document.querySelectorAll('#risk-chart rect.bar'))"
        ".map(r => [r.dataset.type, r.dataset.risk, +r.dataset.count, r.getBBox().width])"
    )
    expected = Counter((i.type.value, i.risk.level.label) for i in inv.items)
    assert {(t, lv): n for t, lv, n, _ in segments} == dict(expected) and len(segments) == len(expected)
    assert all(w > 0 for *_, w in segments)
    widths = {(t, lv): w for t, lv, _, w in segments}  # bar lengths are proportional to counts
    unit = widths[next(k for k, n in expected.items() if n == 1)]
    assert all(abs(widths[k] - n * unit) < 0.5 for k, n in expected.items())

    bars = page.js(
        "Array.from(document.querySelectorAll('#timeline rect.bar'))"
        ".map(r => [r.classList.contains('intro') ? 'intro' : 'removed', r.dataset.month, +r.dataset.count, r.getBBox().height])"
    )
    assert {(k, m, n) for k, m, n, _ in bars} == {
        ("intro", "2024-01", 3), ("intro", "2024-11", 1), ("intro", "2025-06", 4), ("intro", "2026-02", 1),
        ("intro", "2026-05", 1), ("removed", "2025-03", 1), ("removed", "2025-09", 2),
    }
    assert len(bars) == 7 and all(h > 0 for *_, h in bars)
    assert "1 secret(s) seen only outside git history" in page.js("document.getElementById('timeline').textContent")


def test_narrow_screen_does_not_scroll_the_page_sideways(page: Page, tmp_path: Path) -> None:
    page.resize(390, 844, mobile=True)
    assert page.js("document.documentElement.scrollWidth <= window.innerWidth") is True
    assert page.js("document.querySelector('.table-wrap').scrollWidth > document.querySelector('.table-wrap').clientWidth") is True
    assert page.screenshot(tmp_path / "inventory-narrow.png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_print_hides_controls_and_prints(page: Page, tmp_path: Path) -> None:
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.js("getComputedStyle(document.querySelector('.filter')).display") == "none"
    assert page.js("getComputedStyle(document.querySelector('.table-wrap')).overflowX") == "visible"
    # header labels print from an attribute: Chromium leaves buttons out of repeated table headers
    assert page.js("getComputedStyle(document.querySelector('#secrets th'), '::before').content") == '"Risk"'
    assert page.js("getComputedStyle(document.querySelector('#secrets th button')).display") == "none"
    pdf = base64.b64decode(page.call("Page.printToPDF", {"printBackground": True})["data"])
    (tmp_path / "inventory.pdf").write_bytes(pdf)
    assert pdf[:5] == b"%PDF-"


def test_screenshot(page: Page, tmp_path: Path) -> None:
    png = page.screenshot(tmp_path / "inventory-report.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1366 and height > 900  # the whole page, not just the viewport
