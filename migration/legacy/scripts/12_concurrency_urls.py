"""Legacy corpus 12: concurrency helpers and URL helpers (no API)."""

import sys

import utils.url_helpers as url_helpers
from utils.concurrency import (
    ProgressTracker,
    batch_process,
    parallel_aggregate,
    parallel_map,
    rate_limited_parallel,
    run_parallel,
    run_parallel_environments,
    with_timeout,
)
from utils.exceptions import HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


@with_timeout(5)
def square(value: int) -> int:
    if value == 3:
        raise ValueError("three is unlucky")
    return value * value


def main():
    parse_args_and_load_config("Concurrency and URLs")
    mapped = parallel_map(square, [1, 2, 3, 4], show_progress=False, max_workers=2)
    batches = batch_process(lambda b: [sum(b)], list(range(10)), batch_size=4, show_progress=False)
    groups = parallel_aggregate(
        lambda n: {"even" if n % 2 == 0 else "odd": n}, [1, 2, 3, 4, 5], show_progress=False
    )
    limited = rate_limited_parallel(
        lambda n: n + 1, [1, 2, 3], calls_per_second=50, show_progress=False
    )
    legacy = run_parallel([5, 6], square, show_progress=False)
    envs = run_parallel_environments([{"id_env": "a"}, {"id_env": "b"}], lambda env: True)
    with ProgressTracker(4, "Counting", show_progress=False) as tracker:
        for _ in range(4):
            tracker.update()
    odata = url_helpers.build_odata_filter(
        {"displayName": "Greta's Garden", "blocked": False, "balance": "gt 100", "number": "1001"}
    )
    result = {
        "squares": sorted(mapped.successful),
        "failed": [[item, str(err)] for item, err in mapped.failed],
        "success_rate": mapped.success_rate,
        "batch_sums": sorted(batches.successful),
        "groups": {k: sorted(v) for k, v in sorted(groups.items())},
        "limited": sorted(limited.successful),
        "legacy": sorted(legacy.successful),
        "environments_ok": envs,
        "progress": tracker.completed,
        "url": url_helpers.build_url(
            "https://api.example.com/",
            "v2",
            "a b",
            1,
            query_params={"x": [1, 2], "y": True, "z": None},
            fragment="f g",
        ),
        "odata": odata,
        "added": url_helpers.add_query_params("https://h/users?page=1", {"limit": 20, "page": 2}),
        "params": url_helpers.extract_path_params(
            "/users/{user_id}/posts/{post_id}", "/users/7/posts/9"
        ),
        "context": url_helpers.build_context_string("prod", None, "company-1"),
        "joined": url_helpers.join_url_paths("/api/v2/", "/users/", "123"),
        "parsed_query": url_helpers.parse_url("https://h/p?a=1&a=2")["query"],
        "components": url_helpers.URLComponents("https://h", ["v1", "items"], {"q": "x"}).build(),
    }
    TxoDataHandler().save(result, Dir.OUTPUT, "concurrency_urls.json")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
