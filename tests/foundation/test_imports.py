"""Issue 15: no import cycle among the portal's modules, and none hidden inside a function.

An import inside a function that names a module of the portal is how a cycle is usually hidden:
it works until someone imports the two modules in another order. So the portal's modules import
each other at their top only, and the graph of those imports has no cycle. Third-party imports
inside functions are fine (WeasyPrint, matplotlib, Babel: only the processes that need them
load them), and so are the few that Django's app loading needs, listed below with their reason.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bali_portal", "requests_app", "registry", "exchange", "designations", "reporting")

# (module, module it imports inside a function): why it cannot be imported at the top.
ALLOWED_IN_FUNCTIONS = {
    ("registry.apps", "registry.reference"): "ready(): signals connect once the models are loaded",
    ("reporting.apps", "reporting.statistics"): "post_migrate: apps.py loads before the models",
    ("requests_app.apps", "requests_app.tasks"): "ready(): registers the tasks published by name",
    ("exchange.apps", "exchange.tasks"): "ready(): registers the tasks published by name",
    ("designations.apps", "designations.tasks"): "ready(): registers the tasks published by name",
    ("reporting.apps", "reporting.tasks"): "ready(): registers the tasks published by name",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the portal's packages but migrations and tests, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if {"migrations", "tests"} & set(path.relative_to(ROOT).parts):
                continue
            found[module_name(path)] = path
    return found


MODULES = project_modules()


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def absolute(module: str, node: ast.ImportFrom) -> str:
    """The module an ``ImportFrom`` in ``module`` names, relative levels resolved."""
    if not node.level:
        return node.module
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package(module) else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The portal's modules an import statement loads (a package's ``__init__`` included)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        source = absolute(module, node)
        # ``from package import name``: ``name`` is a submodule, or something the package defines.
        names = [source] + [f"{source}.{alias.name}" for alias in node.names]
    loaded = set()
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in MODULES:
                loaded.add(prefix)
    return sorted(loaded)


def deepest(names: list[str]) -> list[str]:
    """The modules named, without the packages they are in."""
    return [name for name in names if not any(other.startswith(f"{name}.") for other in names)]


def is_project_import(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom) and node.level:
        return True
    names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
    return any(name.split(".")[0] in PACKAGES for name in names)


def imports_in_functions(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                node
                for node in ast.walk(function)
                if isinstance(node, ast.Import | ast.ImportFrom) and is_project_import(node)
            ]
    return found


def top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports run when the module loads: its body's and its classes' bodies', not those of
    functions (``if TYPE_CHECKING:`` blocks are never run)."""
    found, pending = [], list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending += node.orelse
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending += [
                child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)
            ]
    return found


def parsed(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))


def import_graph() -> dict[str, set[str]]:
    """Module -> the portal's modules it loads as it loads, its own packages left out (they
    are being loaded already when it is)."""
    graph = {}
    for module in MODULES:
        ancestors = {".".join(module.split(".")[:end]) for end in range(1, module.count(".") + 1)}
        graph[module] = {
            target
            for node in top_level_imports(parsed(module))
            for target in imported_modules(module, node)
            if target != module and target not in ancestors
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [path_within(graph, group) for group in groups]


def path_within(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A cycle through the group's first module, found breadth first, for the failure message."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    pending = [start]
    while pending:
        node = pending.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                pending.append(target)
    return group


def test_the_portal_imports_none_of_its_modules_inside_a_function():
    hidden = []
    for module in sorted(MODULES):
        for node in imports_in_functions(parsed(module)):
            for target in deepest(imported_modules(module, node)) or [ast.unparse(node)]:
                if (module, target) not in ALLOWED_IN_FUNCTIONS:
                    hidden.append(f"{MODULES[module].relative_to(ROOT)}:{node.lineno} {target}")
    assert hidden == [], "imports of the portal's modules inside functions:\n" + "\n".join(hidden)


def test_every_allowed_import_in_a_function_is_still_there():
    present = {
        (module, target)
        for module in MODULES
        for node in imports_in_functions(parsed(module))
        for target in deepest(imported_modules(module, node))
    }
    assert set(ALLOWED_IN_FUNCTIONS) <= present


def test_the_portal_s_modules_import_each_other_without_a_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_graph_has_the_edges_between_the_apps():
    graph = import_graph()
    # requests_app's actions call the exchange; the exchange's responses call requests_app.
    assert "exchange.services" in graph["requests_app.actions.lifecycle"]
    assert "requests_app.services" in graph["exchange.responses"]
    # Relative imports, of a module and of a package's module.
    assert {"reporting.statistics", "reporting.follow_ups"} <= graph["reporting.tasks"]
    assert "bali_portal.celery" in graph["bali_portal.broker"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_every_task_the_portal_names_is_registered_in_the_web_process():
    """Services publish tasks by name (``bali_portal.broker``); each app's ``ready()`` imports
    its tasks module, so that the names resolve where no worker runs (in-process tasks)."""
    from bali_portal.celery import app

    named = {
        node.value
        for module in MODULES
        for node in ast.walk(parsed(module))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(rf"({'|'.join(PACKAGES)})\.tasks\.\w+", node.value)
    }
    assert "requests_app.tasks.send_pending_notifications" in named
    assert sorted(named - set(app.tasks)) == []
