from types import SimpleNamespace

from committees.tree import reporting_tree


def bodies(*names):
    return [SimpleNamespace(pk=i, name=name) for i, name in enumerate(names, 1)]


def shape(nodes):
    return [(n.body.name, [p.name for p in n.also_reports_to], shape(n.children)) for n in nodes]


def test_each_body_sits_under_the_parent_nearest_the_top():
    items = bodies("Council", "Commission", "EC", "Group", "TCCV")
    links = [(2, 1), (3, 1), (3, 2), (4, 3)]
    assert shape(reporting_tree(items, links)) == [
        ("Council", [], [("Commission", [], []), ("EC", ["Commission"], [("Group", [], [])])]),
        ("TCCV", [], []),
    ]


def test_parents_not_shown_make_a_root():
    _council, ec, group = bodies("Council", "EC", "Group")
    tree = reporting_tree([ec, group], [(2, 1), (3, 2)])
    assert shape(tree) == [("EC", [], [("Group", [], [])])]


def test_a_loop_in_the_data_does_not_hang_the_page():
    items = bodies("A", "B")
    tree = reporting_tree(items, [(1, 2), (2, 1)])
    assert [n.body.name for n in tree] == ["A"]
    assert shape(tree) == [("A", ["B"], [("B", [], [])])]
