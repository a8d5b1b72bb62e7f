"""Which exporters each host runs, where they listen, and the monitor hosts' scrape jobs."""

from ansible_collections.magecloud.platform.plugins.filter.monitoring_targets import monitoring_exporters, monitoring_scrape_jobs

SPLIT = {"web": ["web1"], "edge": ["web1"], "database": ["data"], "cache": ["data"], "queue": ["data"], "search": ["data"],
         "monitor": ["mon"]}
FACTS = {name: {"ansible_facts": {"default_ipv4": {"address": address}}}
         for name, address in (("web1", "10.0.0.11"), ("data", "10.0.0.20"), ("mon", "10.0.0.40"), ("aio", "10.0.0.5"))}
ALL_IN_ONE = {group: ["aio"] for group in ("web", "edge", "database", "cache", "queue", "search", "monitor")}


def job(jobs, name):
    return next(entry for entry in jobs if entry["job_name"] == name)


def test_each_host_runs_the_exporters_of_its_groups():
    assert monitoring_exporters("data", SPLIT) == {"node": 9100, "mysqld": 9104, "redis": 9121, "rabbitmq": 15692, "opensearch": 9114}
    assert monitoring_exporters("web1", SPLIT, {"phpfpm": "9300"}) == {
        "node": 9100, "nginx": 9113, "phpfpm": 9300, "varnish": 9131, "edge": 9198}
    assert monitoring_exporters("mon", SPLIT) == {"node": 9100}


def test_no_monitor_host_means_no_exporters():
    assert monitoring_exporters("data", {key: value for key, value in SPLIT.items() if key != "monitor"}) == {}


def test_split_hosts_are_scraped_on_their_private_addresses():
    jobs = monitoring_scrape_jobs(SPLIT, FACTS)
    assert [entry["job_name"] for entry in jobs] == ["node", "mysqld", "redis", "rabbitmq", "opensearch", "nginx", "phpfpm",
                                                     "varnish", "edge"]
    assert job(jobs, "node")["static_configs"] == [
        {"targets": ["10.0.0.20:9100"], "labels": {"instance": "data"}},
        {"targets": ["127.0.0.1:9100"], "labels": {"instance": "mon"}},
        {"targets": ["10.0.0.11:9100"], "labels": {"instance": "web1"}},
    ]
    assert job(jobs, "phpfpm")["static_configs"] == [{"targets": ["10.0.0.11:9253"], "labels": {"instance": "web1"}}]


def test_redis_instances_are_targets_of_the_exporters_scrape_endpoint_at_the_instances_bind_address():
    host_vars = dict(FACTS, data=dict(FACTS["data"], redis_instances={"cache": {"port": 7000}, "session": {"port": 7001}}))
    redis = job(monitoring_scrape_jobs(SPLIT, host_vars), "redis")
    assert redis["metrics_path"] == "/scrape"
    assert redis["static_configs"] == [
        {"targets": ["10.0.0.20:9121"], "labels": {"instance": "data:cache", "__param_target": "redis://10.0.0.20:7000"}},
        {"targets": ["10.0.0.20:9121"], "labels": {"instance": "data:session", "__param_target": "redis://10.0.0.20:7001"}},
    ]


def test_an_all_in_one_host_is_scraped_on_loopback_and_its_redis_is_on_loopback():
    jobs = monitoring_scrape_jobs(ALL_IN_ONE, FACTS)
    assert job(jobs, "mysqld")["static_configs"] == [{"targets": ["127.0.0.1:9104"], "labels": {"instance": "aio"}}]
    assert job(jobs, "redis")["static_configs"][1]["labels"]["__param_target"] == "redis://127.0.0.1:6381"


def test_bind_address_variables_win_and_ipv6_targets_are_bracketed():
    host_vars = dict(FACTS, data=dict(FACTS["data"], monitoring_exporter_bind_address="fd00::20", redis_bind_address="fd00::21, 10.0.0.21"))
    jobs = monitoring_scrape_jobs(SPLIT, host_vars)
    assert job(jobs, "node")["static_configs"][0]["targets"] == ["[fd00::20]:9100"]
    assert job(jobs, "redis")["static_configs"][0]["labels"]["__param_target"] == "redis://[fd00::21]:6380"
