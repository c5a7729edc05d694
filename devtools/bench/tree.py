"""A park's organization tree, built in memory and written with one bulk_create.

treebeard's add_child() reads and updates the parent for every node; here path, depth and numchild
are computed the way treebeard computes them (`steplen` characters per level from its `alphabet`,
children numbered from 1), so the written trees pass `Organization.objects.find_problems()`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from organizations.models import District, Organization, Park

Kind = Organization.Kind
Formation = Organization.Formation
BRANCH_FORMATIONS = (Formation.STANDALONE, Formation.JOINT, Formation.INDUSTRY_CHAIN)
BRANCH_FORMATION_WEIGHTS = (5, 4, 1)


def step(position: int) -> str:
    """The path segment of the `position`-th child (1-based), as treebeard writes it."""
    alphabet, steplen = Organization.alphabet, Organization.steplen
    if not 0 < position < len(alphabet) ** steplen:
        raise ValueError(f"no {steplen}-character path segment for position {position}")
    digits = ""
    while position:
        position, digit = divmod(position, len(alphabet))
        digits = alphabet[digit] + digits
    return digits.rjust(steplen, alphabet[0])


def position(segment: str) -> int:
    """The inverse of `step`."""
    value = 0
    for character in segment:
        value = value * len(Organization.alphabet) + Organization.alphabet.index(character)
    return value


def next_root_position() -> int:
    """Roots go after the last one already in the table (other parks' trees stay as they are)."""
    last = Organization.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return position(last) + 1 if last else 1


@dataclass
class ParkTree:
    nodes: list[Organization] = field(default_factory=list)
    # Organizations that may cover an enterprise (Organization.COVERING_KINDS).
    covering: list[Organization] = field(default_factory=list)
    # Organizations that hold members on their roll: branches and groups.
    rolls: list[Organization] = field(default_factory=list)


def layout(size: int, stations: int) -> tuple[int, int, int]:
    """(committees, branches, groups) of a park with `size` organizations, one root and `stations` stations."""
    committees = max(1, round(size * 0.03))
    spare = size - 1 - stations - committees
    if spare < 1:
        raise ValueError(f"a park with {stations} districts needs at least {stations + 3} organizations")
    branches = min(spare, max(1, round(size * 0.6)))
    return committees, branches, spare - branches


def build_tree(park: Park, districts: list[District], *, root_position: int, size: int, rng: random.Random) -> ParkTree:
    """Working committee → district stations and enterprise committees → branches → groups, `size` in all."""
    committees, branches, groups = layout(size, len(districts))
    tree = ParkTree()
    root = _node(tree, None, park, f"{park.name}党工委", Kind.WORKING_COMMITTEE, Formation.REGIONAL, rng)
    root.path = step(root_position)
    middle = [
        _node(tree, root, park, f"{district.name}党建工作站", Kind.DISTRICT_STATION, Formation.JOINT, rng, district)
        for district in districts
    ]
    middle += [
        _node(tree, root, park, f"{park.name}企业党委{k + 1}", Kind.COMMITTEE, Formation.STANDALONE, rng)
        for k in range(committees)
    ]
    tree.covering.extend(middle)
    for k in range(branches):
        parent = middle[k % len(middle)]
        kind = Kind.GENERAL_BRANCH if rng.random() < 0.1 else Kind.BRANCH
        formation = rng.choices(BRANCH_FORMATIONS, BRANCH_FORMATION_WEIGHTS)[0]
        node = _node(tree, parent, park, f"{park.name}第{k + 1}支部", kind, formation, rng, parent.district)
        tree.covering.append(node)
        tree.rolls.append(node)
    branch_nodes = list(tree.rolls)
    for k in range(groups):
        parent = branch_nodes[k % len(branch_nodes)]
        node = _node(tree, parent, park, f"{parent.name}党小组{k + 1}", Kind.GROUP, parent.formation, rng)
        tree.rolls.append(node)
    return tree


def _node(tree, parent, park, name, kind, formation, rng, district=None) -> Organization:
    """A node placed as the parent's next child: the path extends the parent's, and the parent counts it."""
    node = Organization(
        park=park,
        name=name,
        kind=kind,
        formation=formation,
        district=district,
        established_on=date(2000, 1, 1) + timedelta(days=rng.randrange(20 * 365)),
        depth=1 if parent is None else parent.depth + 1,
        numchild=0,
    )
    if parent is not None:
        parent.numchild += 1
        node.path = parent.path + step(parent.numchild)
    tree.nodes.append(node)
    return node
