"""Domain errors that every entry point (API, web, CLI) turns into its own kind of answer."""


class RatecardError(Exception):
    """Base of the errors services raise on purpose; `details` travel to the API's JSON answer."""

    status_code = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.details = details


class NotFound(RatecardError):
    """The thing asked for does not exist, or the caller may not know it exists."""

    status_code = 404


class Forbidden(RatecardError):
    """The caller may see this, but not do that."""

    status_code = 403


class Conflict(RatecardError):
    """The request clashes with the current state (a lost race, a duplicate)."""

    status_code = 409


class InvalidInput(RatecardError):
    """The request is well-formed but breaks a rule."""

    status_code = 422


class NotSignedIn(RatecardError):
    """The caller has to sign in (web) or send a valid token (API)."""

    status_code = 401
