"""Train the triage model from messaging/triage/data/ and store it (the set-up step).

    python -m messaging.triage.train           # writes var/triage/model.json if stale
    python -m messaging.triage.train --force   # retrain whatever the file says

`make run`, `make test` and the Dockerfile run it. The file records the hash of
the data it was trained on; when the data (or the training settings) change it is
retrained, here or, if this step was skipped, in process on first use.
"""

import sys
import time

from .model import default_model_path, is_current, load, save, train_default


def main(argv: list[str]) -> int:
    path = default_model_path()
    if "--force" not in argv:
        try:
            model = load(path)
            if is_current(model):
                print(f"triage model {model.version} is current ({path})")
                return 0
        except (OSError, ValueError, KeyError, TypeError):
            pass
    started = time.perf_counter()
    model = train_default()
    save(model, path)
    print(f"triage model {model.version}: {model.examples} messages, "
          f"{len(model.weights)} features, {time.perf_counter() - started:.1f} s -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
