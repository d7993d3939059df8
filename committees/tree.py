"""The bodies arranged by reporting line, for the list of bodies."""

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Node:
    body: object
    also_reports_to: list = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)


def reporting_tree(bodies: list, links: list[tuple[int, int]]) -> list[Node]:
    """Bodies as a forest: each under the parent nearest the top, other parents noted.

    `bodies` are the bodies to show, in display order; `links` are (body id, parent id)
    pairs. The Enforcement Committee, which reports to both the Council and the Policy
    Commission, sits under the Council with the Policy Commission noted beside it. A body
    whose parents are not shown becomes a root; so, defensively, does one caught in a
    reporting loop.
    """
    by_id = {body.pk: body for body in bodies}
    order = {body.pk: index for index, body in enumerate(bodies)}
    parents: dict[int, list[int]] = {pk: [] for pk in by_id}
    children: dict[int, list[int]] = {pk: [] for pk in by_id}
    for child, parent in links:
        if child in by_id and parent in by_id and child != parent:
            parents[child].append(parent)
            children[parent].append(child)
    for ids in (*parents.values(), *children.values()):
        ids.sort(key=order.__getitem__)

    nodes = {pk: Node(body=by_id[pk]) for pk in by_id}
    placed: set[int] = set()
    home: dict[int, int] = {}
    roots = [pk for pk in by_id if not parents[pk]]

    def place_from(start: list[int]) -> None:
        # Breadth first: a body is placed under the first of its parents to be reached,
        # which is the one nearest the top.
        queue = deque(start)
        while queue:
            current = queue.popleft()
            for child in children[current]:
                if child not in placed:
                    placed.add(child)
                    home[child] = current
                    nodes[current].children.append(nodes[child])
                    queue.append(child)

    placed.update(roots)
    place_from(roots)
    for pk in by_id:  # left over only when the links make a loop
        if pk not in placed:
            placed.add(pk)
            roots.append(pk)
            place_from([pk])

    for pk, node in nodes.items():
        node.also_reports_to = [by_id[parent] for parent in parents[pk] if parent != home.get(pk)]
    for node in nodes.values():
        node.children.sort(key=lambda n: order[n.body.pk])
    return [nodes[pk] for pk in sorted(roots, key=order.__getitem__)]
