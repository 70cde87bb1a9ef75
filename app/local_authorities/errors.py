from app.core.errors import NotFound


class LocalAuthorityNotFound(NotFound):
    code = "local_authority.not_found"
    title = "Local authority not found"
