"""Discovery and parsers over real repositories: how many files of each kind parse cleanly.

    python bench/real_files.py FOLDER [--errors N]

Each sub-folder of FOLDER is read as one repository checkout (extract the candidate files of a
few public repositories there; nothing of theirs belongs in this repository). Prints, per kind,
the files discovered, parsed cleanly, skipped as not that kind, and the ERRORs with file:line,
and the time per file.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from cardaudit.collect.artifacts import parse_artifacts
from cardaudit.collect.artifacts.discover import discover

KIND_OF_SLICE = {"repo_task_definitions": "taskdef", "dockerfiles": "dockerfile", "buildspecs": "buildspec",
                 "templates": "template", "stepfunctions": "stepfunctions"}


def main(folder: Path, show: int) -> None:
    repos = {p.name: p for p in sorted(folder.iterdir()) if p.is_dir()}
    started = time.perf_counter()
    files = discover(repos)
    discovered = time.perf_counter()
    parsed = parse_artifacts(repos, files)
    done = time.perf_counter()
    artifacts = [f for f in files if f.is_artifact]
    print(f"{len(files)} files in {len(repos)} repositories; {len(artifacts)} discovered as artifacts "
          f"({Counter(f.kind for f in artifacts)})")
    print(f"{'kind':<14}{'read':>7}{'clean':>7}{'skipped':>9}{'ERROR':>7}   (inline ones counted with their kind)")
    errors: list[str] = []
    for name, docs in parsed.items():
        clean = sum(1 for d in docs if d.problem is None and d.skipped is None)
        skipped = sum(1 for d in docs if d.skipped is not None)
        bad = [d for d in docs if d.problem is not None]
        errors += [d.problem.text(d.file) for d in bad if d.problem is not None]
        print(f"{KIND_OF_SLICE[name]:<14}{len(docs):>7}{clean:>7}{skipped:>9}{len(bad):>7}")
    print(f"discovery {discovered - started:.2f} s ({(discovered - started) / max(len(files), 1) * 1e6:.0f} us/file), "
          f"parsing {done - discovered:.2f} s ({(done - discovered) / max(len(artifacts), 1) * 1e3:.1f} ms/artifact)")
    for line in sorted(errors)[:show]:
        print("  ERROR", line)


if __name__ == "__main__":
    args = sys.argv[1:]
    count = int(args[args.index("--errors") + 1]) if "--errors" in args else 200
    main(Path(args[0]), count)
