"""app_units: a prefix's units are the ones part of its targets, whatever other prefixes start alike."""

from module_runner import run_module


def unit(directory, name, target):
    (directory / name).write_text(f"[Unit]\nDescription=x\nPartOf={target}\n\n[Service]\nExecStart=/bin/true\n")


def test_absent_removes_the_prefix_units_targets_and_environment_only(tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    unit(units, "magecloud-env-a-cron-job.service", "magecloud-env-a-cron.target")
    unit(units, "magecloud-env-a-worker-queue.service", "magecloud-env-a-workers.target")
    unit(units, "magecloud-env-a-cron.target", "nothing")
    # Environment `a-cron-b`: its units start with environment a's cron prefix.
    unit(units, "magecloud-env-a-cron-b-worker-queue.service", "magecloud-env-a-cron-b-workers.target")
    env_file = tmp_path / "a.env"
    env_file.write_text("A=1\n")
    result = run_module("app_units", tmp_path, check=True, unit_prefix="magecloud-env-a", state="absent",
                        unit_dir=str(units), env_file=str(env_file))
    assert result["changed"]
    assert sorted(result["removed"]) == sorted([str(env_file), "magecloud-env-a-cron-job.service",
                                                "magecloud-env-a-worker-queue.service", "magecloud-env-a-cron.target"])
    assert len(list(units.iterdir())) == 4, "check mode removes nothing"
