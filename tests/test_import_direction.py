"""The layout's promise (docs/architecture.md): imports go one way. summit <- registrations <-
workshops between the apps; no circle between the modules of an app; and no import of our own
code inside a function body, where it would hide a circle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("summit", "registrations", "workshops")
RANK = {app: rank for rank, app in enumerate(APPS)}


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


MODULES = dict(modules())


def imported(node):
    """The modules of ours an import statement names (a `from X import y` of a module y counts as X.y)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [f"{node.module}.{alias.name}" for alias in node.names]
        return [name if name in MODULES else node.module for name in names]
    return []


def ours(name):
    return name.split(".")[0] in APPS


def import_statements(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, id(node) in top or _under_if_at_top(tree, node)


def _under_if_at_top(tree, node):
    # `if TYPE_CHECKING:` or a try/except at module level still imports at load time.
    return any(
        isinstance(statement, ast.If | ast.Try) and node in ast.walk(statement) for statement in tree.body
    )


GRAPH = {
    name: sorted(
        {target for node, _top in import_statements(path) for target in imported(node) if ours(target)}
    )
    for name, path in MODULES.items()
}


def test_no_app_imports_an_app_above_it():
    upward = [
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if RANK[target.split(".")[0]] > RANK[module.split(".")[0]] and module != "summit.urls"
    ]
    assert upward == []


def test_no_module_of_ours_is_imported_inside_a_function():
    inside = [
        f"{name}: {', '.join(imported(node))}"
        for name, path in MODULES.items()
        for node, top in import_statements(path)
        if not top and any(ours(target) for target in imported(node))
    ]
    assert inside == []


def test_no_circle_of_imports():
    graph = {name: [t for t in targets if t in GRAPH and t != name] for name, targets in GRAPH.items()}
    circles = []
    state = {}

    def visit(name, trail):
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_assignment_engine_imports_no_module_of_ours():
    assert GRAPH["workshops.assignment.engine"] == []
