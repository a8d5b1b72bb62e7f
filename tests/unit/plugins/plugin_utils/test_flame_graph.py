"""Collapsed stacks merged, drawn as an SVG flame graph and written as a speedscope profile."""

import xml.etree.ElementTree as ET

from ansible_collections.magecloud.platform.plugins.filter.flame_graph import flame_graph, speedscope
from ansible_collections.magecloud.platform.plugins.plugin_utils.flame_graph import merge_collapsed

SVG = "{http://www.w3.org/2000/svg}"
REQUEST_A = "index.php;render_page;load_products 30\nindex.php;render_page 10\n"
REQUEST_B = "index.php;render_page;load_products 20\nindex.php;{closure} 40\nnot a stack line\n"


def frames(svg):
    """(name, samples, x, width, y) of every drawn frame."""
    found = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        name, samples = group.find(f"{SVG}title").text.rsplit(" (", 1)
        found.append((name, int(samples.split()[0]), float(rect.get("x")), float(rect.get("width")), int(rect.get("y"))))
    return found


def test_stacks_of_several_requests_are_summed_and_bad_lines_skipped():
    assert merge_collapsed([REQUEST_A, REQUEST_B]) == {
        ("index.php", "render_page", "load_products"): 50, ("index.php", "render_page"): 10, ("index.php", "{closure}"): 40}


def test_each_frame_is_as_wide_as_its_share_and_children_sit_above_their_parent():
    drawn = {name: rest for name, *rest in frames(flame_graph([REQUEST_A, REQUEST_B], "web1"))}
    assert drawn["index.php"][0] == 100 and drawn["index.php"][2] == 1200.0
    assert drawn["render_page"][0] == 60 and drawn["render_page"][2] == 720.0
    # Siblings in name order, left to right; a child starts where its parent does.
    assert drawn["render_page"][1] == 0.0 and drawn["load_products"][1] == 0.0 and drawn["load_products"][2] == 600.0
    assert drawn["{closure}"][0] == 40 and drawn["{closure}"][1] == 720.0 and drawn["{closure}"][2] == 480.0
    assert drawn["load_products"][3] < drawn["render_page"][3] < drawn["index.php"][3]


def test_the_title_counts_the_samples_and_names_are_escaped():
    svg = flame_graph("main;a<b>&c 3\n", "shop & co")
    assert "shop &amp; co (3 samples)" in svg
    assert [frame[0] for frame in frames(svg)] == ["main", "a<b>&c"]


def test_frames_narrower_than_a_fraction_of_a_pixel_are_left_out():
    drawn = [frame[0] for frame in frames(flame_graph("main;hot 100000\nmain;rare 1\n"))]
    assert drawn == ["main", "hot"]


def test_no_samples_give_an_empty_graph_not_an_error():
    assert frames(flame_graph("")) == []


def test_speedscope_profile_indexes_frames_once_and_weighs_each_stack():
    profile = speedscope([REQUEST_A, REQUEST_B], "web1")
    names = [frame["name"] for frame in profile["shared"]["frames"]]
    assert names == ["index.php", "render_page", "load_products", "{closure}"]
    sampled = profile["profiles"][0]
    assert sampled["type"] == "sampled" and sampled["endValue"] == 100
    assert [[names[i] for i in stack] for stack in sampled["samples"]] == [
        ["index.php", "render_page"], ["index.php", "render_page", "load_products"], ["index.php", "{closure}"]]
    assert sampled["weights"] == [10, 50, 40]
