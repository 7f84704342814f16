"""The LMS pages run with the LTI tests' fixtures: a fake LMS, pooled keys, loopback-only HTTP."""

from tests.lti.conftest import loopback_http, platform, pooled_tool_keys, settings

__all__ = ["loopback_http", "platform", "pooled_tool_keys", "settings"]
