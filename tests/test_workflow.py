"""The GitHub Pages workflow does what the README promises (parsed, and linted when actionlint is here)."""
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def step_runs(job) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def step_uses(job) -> list[str]:
    return [step.get("uses", "").split("@")[0] for step in job["steps"]]


def test_runs_on_every_push_to_main(workflow):
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_permissions_and_concurrency_for_pages(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_build_installs_tests_and_builds_as_the_readme_says(workflow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    build = workflow["jobs"]["build"]
    runs = step_runs(build)
    install = 'pip install -e ".[test]"'
    assert install in readme and install in runs
    assert "pytest" in readme and "pytest" in runs
    assert "mkdocs build --strict" in runs
    assert runs.index(install) < runs.index("pytest") < runs.index("mkdocs build --strict")
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    site_step = next(s for s in build["steps"] if s.get("run") == "mkdocs build --strict")
    assert "steps.pages.outputs.base_url" in site_step["env"]["SITE_URL"]
    assert step_uses(build)[-1] == "actions/upload-pages-artifact"
    assert build["steps"][-1]["with"]["path"] == "site"


def test_deploy_uses_the_official_pages_action(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert step_uses(deploy) == ["actions/deploy-pages"]


def test_site_url_is_configurable(workflow):
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL" in config


@pytest.mark.skipif(not shutil.which("actionlint"), reason="actionlint is not installed")
def test_actionlint_finds_nothing():
    result = subprocess.run(["actionlint", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
