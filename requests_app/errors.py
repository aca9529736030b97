"""The request use cases' refusals, turned into clear messages by pages and into HTTP statuses
by the API (``bali_portal.api_errors``). Here, below the services and the action classes that
raise them; ``services`` names them too."""

from bali_portal import errors as domain


class RequestError(domain.DomainError):
    """A request's use case refused."""


class RequestNotFound(RequestError, domain.NotFound):
    """Outside the actor's scope, or no such request: never a hint which."""


class ActionNotPermitted(RequestError, domain.NotPermitted):
    """The actor sees the request but may not take this action on it."""


class TransitionNotAllowed(RequestError, domain.Conflict):
    """The lifecycle table forbids the action from the request's current state."""


class InvalidInput(RequestError, domain.InvalidInput):
    """Missing or invalid fields; ``errors`` names each one."""


class StorageUnavailable(RequestError, domain.Unavailable):
    """The file store (the object store, or the disk) could not take a document: try again."""
