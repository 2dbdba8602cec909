"""The one exception type of the package: a message that names the cause and says what to do."""


class CellTypistError(ValueError):
    """An input, model or option that cannot be annotated as given.

    ``code`` is a short machine-readable reason, the same codes as the JavaScript engine's
    CellTypistError (e.g. ``'raw_counts'``, ``'low_overlap'``, ``'bad_model'``).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    def __reduce__(self):  # crosses process boundaries intact (Dask workers)
        return (type(self), (self.code, str(self)))
