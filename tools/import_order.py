"""Print distill's module import graph in the notebooks' reading order; exit 1 if a module imports a later one
or imports against the house's floors.

The notebooks are read 00 -> 60 and each builds only on the ones before it; the modules they export must
too, or a reader meets a name before the notebook that explains it (and the package risks import
cycles). Each module's notebook is read from the header nbdev writes into it; every import is counted,
also one inside a function (a lazy import is still a dependency).

The folders are floors, in this order: `distill.audio` (sound in and out), `distill.models` (what learns),
`distill.training` (how it learns). A module on one floor never imports from a floor above it (an audio
module importing `distill.training.x` is an arrow back up the house, even when `x`'s notebook is early);
modules at the top of the package are held by the reading order alone.

Run: python tools/import_order.py"""
import ast, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / 'distill'

def module_name(path: Path) -> str:
    "`distill.a.b` for `distill/a/b.py` (`distill.a` for its `__init__.py`)."
    parts = path.relative_to(ROOT).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)

def notebook_of(path: Path) -> str | None:
    "The notebook a module is exported from (`50_training`), from nbdev's header; None if it has none."
    m = re.search(r'File to edit: [./]*nbs/(\S+?)\.ipynb', path.read_text())
    return m and m.group(1)

def imports_of(path: Path, name: str, known: set) -> set:
    "The distill modules `path` (module `name`) imports, absolute or relative, at any depth of its code."
    package = name if path.name == '__init__.py' else name.rpartition('.')[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import): targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                up = package.split('.')[:len(package.split('.')) - node.level + 1]
                base = '.'.join(up + ([base] if base else []))
            targets = [f'{base}.{a.name}' for a in node.names] + [base]   # `from a import b`: module a.b, or names of a
        else: continue
        for t in targets:
            while t and t not in known: t = t.rpartition('.')[0]        # the longest known module it names
            if t and t != name: found.add(t)
    return found

def graph() -> dict:
    "Each module with its notebook and the modules it imports."
    files = {module_name(p): p for p in PKG.rglob('*.py') if p.name != '_modidx.py'}
    known = set(files)
    return {m: (notebook_of(p), sorted(imports_of(p, m, known))) for m, p in sorted(files.items())}

FLOORS = ('distill.audio', 'distill.models', 'distill.training')   # bottom to top

def floor(m: str) -> int | None:
    "The floor (an index into `FLOORS`) a module lives on; None for a module at the top of the package."
    return next((i for i, f in enumerate(FLOORS) if m == f or m.startswith(f + '.')), None)

if __name__ == '__main__':
    g = graph()
    order = lambda m: g[m][0] or ''
    bad = []
    for m in sorted(g, key=order):
        nb, deps = g[m]
        if nb is None: continue                                           # distill/__init__.py: the version only
        print(f"{nb:18} {m}")
        for d in sorted((d for d in deps if g[d][0]), key=order):   # `distill` itself holds only the version
            late = g[d][0] > nb
            print(f"{'':18}   <- {g[d][0]:18} {d}" + ('   LATER IN THE READING ORDER' if late else ''))
            if late: bad.append(f"{m} ({nb}) imports {d} ({g[d][0]})")
            if floor(m) is not None and floor(d) is not None and floor(d) > floor(m):
                print(f"{'':18}      AGAINST THE FLOORS: {FLOORS[floor(m)]} imports from {FLOORS[floor(d)]}")
                bad.append(f"{m} ({nb}) imports {d}, a floor above its own")
    if bad:
        print("modules that import from a notebook later in the reading order or against the floors:\n  " + '\n  '.join(bad), file=sys.stderr)
        sys.exit(1)
    print(f"import order: {len(g)} modules, every import from an earlier notebook, none against the floors "
          f"({' < '.join(FLOORS)})")
