"""Domain errors that every entry point (API, web, CLI) turns into its own kind of answer."""


class RatecardError(Exception):
    """Base of the errors services raise on purpose."""

    status_code = 400


class NotFound(RatecardError):
    """The thing asked for does not exist, or the caller may not know it exists."""

    status_code = 404


class Conflict(RatecardError):
    """The request clashes with the current state (a lost race, a duplicate)."""

    status_code = 409


class InvalidInput(RatecardError):
    """The request is well-formed but breaks a rule."""

    status_code = 422
