"""The grader's pytest configuration: the harness plugin provides `impl`, `clock`, `network`."""

pytest_plugins = ["harness.plugin", "harness.live"]
