# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-runner's events as the progress lines a pusher reads: phase, host, result."""

from __future__ import annotations

_RESULTS = {"runner_on_ok": "ok", "runner_on_failed": "failed", "runner_on_unreachable": "unreachable"}
MAX_MESSAGE_CHARS = 300


def failure_message(result):
    """The first line of what a failed task says: its msg, else the end of its stderr, else its rc."""
    text = result.get("msg") or (result.get("stderr") or "").strip().splitlines()[-1:] or ""
    if isinstance(text, list):
        text = text[0] if text else ""
    text = str(text).strip().splitlines()[0] if str(text).strip() else f"rc {result.get('rc', '?')}"
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 1] + "…"


def progress_line(event, elapsed):
    """The line for a play start or a task's result on a host; None for every other event (skipped
    tasks, loop items, stats) so the pusher reads what happened, not what did not."""
    kind = event.get("event")
    data = event.get("event_data") or {}
    if kind == "playbook_on_play_start":
        return f"{elapsed:6.1f}s play: {data.get('play', '')}"
    if kind not in _RESULTS:
        return None
    result = data.get("res") or {}
    status = "changed" if kind == "runner_on_ok" and result.get("changed") else _RESULTS[kind]
    line = f"{elapsed:6.1f}s {data.get('task', '')} [{data.get('host', '')}] {status}"
    if kind != "runner_on_ok":
        line += f": {failure_message(result)}"
        if data.get("ignore_errors"):
            line += " (ignored)"
    return line


def failure(event):
    """`TASK on HOST: MESSAGE` of a failure that counts, or ""."""
    data = event.get("event_data") or {}
    if event.get("event") not in ("runner_on_failed", "runner_on_unreachable") or data.get("ignore_errors"):
        return ""
    return f"{data.get('task', '')} on {data.get('host', '')}: {failure_message(data.get('res') or {})}"


def deployed_release(event):
    """The release the deploy reported through set_stats (key magecloud_deploy), from the stats event."""
    if event.get("event") != "playbook_on_stats":
        return None
    reports = ((event.get("event_data") or {}).get("artifact_data") or {}).get("magecloud_deploy") or {}
    return next((report.get("release") for unused_host, report in sorted(reports.items()) if report.get("release")), None)
