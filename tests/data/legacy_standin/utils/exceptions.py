"""Stand-in v2.1 exceptions."""


class HelpfulError(Exception):
    """An error with a fix."""


class ApiOperationError(Exception):
    """An HTTP call failed."""
