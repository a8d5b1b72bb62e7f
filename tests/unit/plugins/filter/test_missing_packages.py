"""missing_packages: which packages still need apt, judged from package facts."""

from ansible_collections.magecloud.platform.plugins.filter.missing_packages import missing_packages

FACTS = {"packages": {"nginx": [{"name": "nginx", "version": "1.22.1-9"}], "opensearch": [{"name": "opensearch", "version": "2.19.1"}]}}


def test_installed_packages_are_not_missing():
    assert missing_packages(["nginx", "varnish"], FACTS) == ["varnish"]


def test_a_pinned_version_must_match():
    assert missing_packages(["opensearch=2.19.1"], FACTS) == []
    assert missing_packages(["opensearch=2.19.2"], FACTS) == ["opensearch=2.19.2"]


def test_without_package_facts_everything_is_missing():
    assert missing_packages(["nginx"], {}) == ["nginx"]
    assert missing_packages(["nginx"], None) == ["nginx"]
