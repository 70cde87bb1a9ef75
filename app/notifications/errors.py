from app.core.errors import NotFound


class NotificationNotFound(NotFound):
    code = "notification.not_found"
    title = "Notification not found"
