"""The one base of the portal's domain errors: a use case refused, and why.

A service raises one of these with a message for a person and, where fields are at fault,
``errors`` naming each. What kind of refusal it is (not found, not permitted, not now, invalid,
unavailable) is said by the class it derives from; how a kind is answered over HTTP is the
business of ``bali_portal.api_errors``, never of the domain.
"""


class DomainError(Exception):
    """A use case refused; ``message`` says why, ``errors`` names the fields at fault."""

    def __init__(self, message, errors: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors = errors or {}


class NotFound(DomainError):
    """No such record in the actor's scope: never a hint which."""


class NotPermitted(DomainError):
    """The actor sees the record but may not do this to it."""


class Conflict(DomainError):
    """The record's state forbids it now."""


class InvalidInput(DomainError):
    """Missing or invalid fields; ``errors`` names each one."""


class Unavailable(DomainError):
    """A store the use case needs could not be reached: try again."""
