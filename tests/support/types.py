from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

# `client_with(**settings)`: a client for an app with some settings changed (see conftest).
ClientWith = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
