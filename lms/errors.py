class ServiceError(Exception):
    """A rule refused an action. `code` is stable for clients; `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "You may not do that here.") -> None:
        super().__init__("forbidden", message)
